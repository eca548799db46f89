import { html } from 'hono/html';

export type Html = ReturnType<typeof html>;

export type Section = 'overview' | 'queue' | 'history' | 'preview';

const NAV: { section: Section; href: string; label: string }[] = [
  { section: 'overview', href: '/', label: 'Overview' },
  { section: 'queue', href: '/queue', label: 'Queue' },
  { section: 'history', href: '/history', label: 'History' },
  { section: 'preview', href: '/preview', label: 'Preview' },
];

/** A form that posts one action, with the session's CSRF token. */
export function actionForm(action: string, label: string, csrf: string, { danger = false } = {}): Html {
  return html`<form method="post" action="${action}" class="inline"><input type="hidden" name="csrf" value="${csrf}"><button type="submit"${danger ? html` class="danger"` : ''}>${label}</button></form>`;
}

/** A console page: no inline script or style, readable on a phone. */
export function page(opts: { title: string; section?: Section; csrf?: string; notice?: string; body: Html }): Html {
  const nav = opts.csrf
    ? html`<nav>${NAV.map((n) => html`<a href="${n.href}"${n.section === opts.section ? html` aria-current="page"` : ''}>${n.label}</a>`)}
      <form method="post" action="/logout" class="inline logout"><input type="hidden" name="csrf" value="${opts.csrf}"><button type="submit">Log out</button></form></nav>`
    : '';
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} · Herald</title>
<link rel="stylesheet" href="/console.css">
</head>
<body>
<header><span class="brand">Herald</span>${nav}</header>
<main>
${opts.notice ? html`<p class="notice" role="status">${opts.notice}</p>` : ''}
<h1>${opts.title}</h1>
${opts.body}
</main>
</body>
</html>`;
}
