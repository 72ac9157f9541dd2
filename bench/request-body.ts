/**
 * Request bodies of the scenarios: an OpenAI chat request whose messages
 * hold about `promptBytes` of text, split into a system message and user
 * turns as a real conversation would be.
 */

const kSentence =
  'Explain how a gateway routes this request to the best model for it. ';

function textOf(bytes: number): string {
  const reps = Math.max(1, Math.ceil(bytes / kSentence.length));
  return kSentence.repeat(reps).slice(0, bytes);
}

/** Chat messages totalling about `promptBytes` characters. */
export function chatMessages(promptBytes: number) {
  if (promptBytes <= 256) {
    return [{ role: 'user', content: textOf(promptBytes) }];
  }
  // Long prompts: a system message and alternating turns, ~1 KB each,
  // ending with the user's.
  const turns = Math.ceil(promptBytes / 1024);
  const each = Math.floor(promptBytes / (turns + 1));
  const messages = [{ role: 'system', content: textOf(each) }];
  for (let i = 0; i < turns; i++) {
    const role = (turns - 1 - i) % 2 === 0 ? 'user' : 'assistant';
    messages.push({ role, content: textOf(each) });
  }
  return messages;
}

/** The JSON body of one chat request. */
export function chatBody(
  model: string,
  stream: boolean,
  promptBytes: number,
): string {
  const body: Record<string, unknown> = {
    model,
    messages: chatMessages(promptBytes),
    max_tokens: 64,
  };
  if (stream) body['stream'] = true;
  return JSON.stringify(body);
}
