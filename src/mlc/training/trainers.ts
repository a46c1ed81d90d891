/**
 * Training commands the operator allows, by name. A model picks one with `metadata.trainer`;
 * model metadata itself never carries a command.
 */
import { checkId } from '../registry/ids.js';

/** Operator-configured training commands by name: argv arrays, run without a shell. */
export type Trainers = Readonly<Record<string, readonly string[]>>;

/** Checks a trainer configuration (names are identifiers, each command a non-empty argv of strings). */
export function checkTrainers(trainers: unknown): Trainers {
  if (trainers === undefined || trainers === null) return {};
  if (typeof trainers !== 'object' || Array.isArray(trainers)) throw new TypeError('trainers must be an object of name → argv array');
  for (const [name, argv] of Object.entries(trainers)) {
    checkId(name, 'trainer name');
    if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string' && a !== '')) {
      throw new TypeError(`trainer '${name}' must be a non-empty array of strings (argv, no shell)`);
    }
  }
  return trainers as Trainers;
}

/** Why model metadata may not carry a command; the registry refuses it with this message. */
export const TRAINING_COMMAND_REFUSED =
  'metadata.trainingCommand is not accepted: training commands come only from the server configuration; ' +
  'set metadata.trainer to the name of a trainer the operator configured (mlc serve --trainers)';
