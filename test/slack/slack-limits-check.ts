/**
 * An independent check of Slack's Block Kit limits (docs.slack.dev reference pages), walked over any message or
 * view. It returns the violations so that a test can show them all at once.
 */
interface Node { [key: string]: unknown }

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);
const textOf = (v: unknown): string => (isNode(v) && typeof v.text === 'string' ? v.text : '');
const len = (s: string): number => [...s].length;

function checkElement(el: Node, where: string, out: string[]): void {
  if (el.type === 'button') {
    if (len(textOf(el.text)) > 75) out.push(`${where}: button text over 75`);
    if (typeof el.value === 'string' && el.value.length > 2000) out.push(`${where}: button value over 2000`);
    if (typeof el.action_id === 'string' && el.action_id.length > 255) out.push(`${where}: action_id over 255`);
    if (isNode(el.confirm)) {
      if (len(textOf(el.confirm.title)) > 100) out.push(`${where}: confirm title over 100`);
      if (len(textOf(el.confirm.text)) > 300) out.push(`${where}: confirm text over 300`);
      if (len(textOf(el.confirm.confirm)) > 30 || len(textOf(el.confirm.deny)) > 30) out.push(`${where}: confirm button over 30`);
    }
  }
}

function checkText(text: string, where: string, out: string[]): void {
  // Raw `<` or `&` must be Slack tokens or entities (escaping rules of mrkdwn).
  const stripped = text.replace(/<(?:[@#!][^<>]*|https?:\/\/[^<>]*)>/g, '').replace(/&(?:amp|lt|gt);/g, '');
  if (/[<>&]/.test(stripped)) out.push(`${where}: unescaped <, > or &`);
}

export function slackLimitViolations(message: { blocks?: unknown[] }, maxBlocks = 50): string[] {
  const out: string[] = [];
  const blocks = message.blocks ?? [];
  if (blocks.length > maxBlocks) out.push(`${blocks.length} blocks (max ${maxBlocks})`);
  blocks.forEach((b, i) => {
    if (!isNode(b)) return;
    const where = `block ${i} (${String(b.type)})`;
    if (typeof b.block_id === 'string' && b.block_id.length > 255) out.push(`${where}: block_id over 255`);
    if (b.type === 'section') {
      const t = textOf(b.text);
      if (len(t) > 3000) out.push(`${where}: section text ${len(t)} > 3000`);
      if (t.trim() === '') out.push(`${where}: empty section text`);
      checkText(t, where, out);
    }
    if (b.type === 'header' && len(textOf(b.text)) > 150) out.push(`${where}: header over 150`);
    if (b.type === 'context' && Array.isArray(b.elements)) {
      if (b.elements.length > 10) out.push(`${where}: over 10 context elements`);
      for (const e of b.elements) checkText(textOf(e), where, out);
    }
    if (b.type === 'actions' && Array.isArray(b.elements)) {
      if (b.elements.length > 25) out.push(`${where}: over 25 elements`);
      for (const e of b.elements) if (isNode(e)) checkElement(e, where, out);
    }
  });
  return out;
}
