/** Deterministic mutations of text for fuzzing: same seed, same inputs, every run. */
export { mulberry32 as seededRandom } from '../../src/mlc/ml/random.js';

const SNIPPETS = ['<', '>', '"', '&', '&amp;', '<![CDATA[', ']]>', '</bpmn:process>', 'id="Start"', '${', '}', '=', '\u0000', '\uffff', '💥', 'xmlns:x="urn:x"', '<x:unknown/>', 'isExecutable="true"', 'sourceRef="nope"'];

/** One random edit: truncate, delete a span, duplicate a span, or insert a hostile snippet. */
export function mutate(text: string, random: () => number): string {
  const at = Math.floor(random() * text.length);
  const span = 1 + Math.floor(random() * 40);
  switch (Math.floor(random() * 4)) {
    case 0:
      return text.slice(0, at);
    case 1:
      return text.slice(0, at) + text.slice(at + span);
    case 2:
      return text.slice(0, at) + text.slice(at, at + span) + text.slice(at);
    default:
      return text.slice(0, at) + SNIPPETS[Math.floor(random() * SNIPPETS.length)] + text.slice(at);
  }
}
