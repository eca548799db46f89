import { describe, expect, it } from 'vitest';
import { telegramAdapter } from '../../adapters/telegram.ts';
import { channelSchemaFor } from '../../src/config/schema.ts';

const channel = { id: 'telegram-main', platform: 'telegram', chatId: '@astanatimes_test', auth: { botToken: '123456789:AAtoken' } };

describe('channel key corrections', () => {
  const schema = channelSchemaFor(telegramAdapter);

  it('edits by default, and can be turned off', () => {
    expect(schema.parse(channel).corrections).toBe('edit');
    expect(schema.parse({ ...channel, corrections: 'ignore' }).corrections).toBe('ignore');
  });

  it('refuses anything else, saying what it takes', () => {
    const result = schema.safeParse({ ...channel, corrections: 'delete' });
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['corrections', 'Invalid option: expected one of "edit"|"ignore"']]);
  });
});
