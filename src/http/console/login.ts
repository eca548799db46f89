import { html } from 'hono/html';
import { page, type Html } from './layout.ts';

/** The login form; `problem` says why the last try did not log in. */
export function loginPage(problem?: string): Html {
  return page({
    title: 'Log in',
    body: html`${problem ? html`<p class="problem" role="alert">${problem}</p>` : ''}
<form method="post" action="/login" class="login">
  <label>Console token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
  <button type="submit">Log in</button>
</form>
<p class="muted">The token is <code>http.token</code> in Herald's config.</p>`,
  });
}
