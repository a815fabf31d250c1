// Flag values, checked: every bad value is one line naming the flag and what it accepts (exit 2).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { POLICY_CHOICES, type ModelPolicy } from '../../models/index.js';
import { InputError } from '../files/input-error.js';

export const usageError = (message: string): InputError => new InputError(message);

/** node:util parseArgs with its errors turned into one-line usage errors. */
export function parseFlags<T extends ParseArgsConfig['options']>(args: readonly string[], options: T, command: string) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message.split('\n')[0]?.replace(/\. To specify a positional argument.*$/, '') ?? 'bad arguments';
    throw usageError(`${command}: ${message} (see framecheck ${command} --help)`);
  }
}

export function integerFlag(flag: string, value: string | undefined, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw usageError(`--${flag} must be a whole number, got "${value}"`);
  const number = Number(value);
  if (!Number.isSafeInteger(number) || number < min || number > max) throw usageError(`--${flag} must be between ${min} and ${max}, got ${value}`);
  return number;
}

/** "90", "90s", "10m", "1h", "1h30m" → milliseconds. */
export function durationFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s?)?$/.exec(value);
  if (match === null || value === '' || match.slice(1).every((part) => part === undefined)) {
    throw usageError(`--${flag} must be a duration such as 90s, 10m or 1h30m, got "${value}"`);
  }
  const [, hours, minutes, seconds] = match;
  const ms = ((Number(hours ?? 0) * 60 + Number(minutes ?? 0)) * 60 + Number(seconds ?? 0)) * 1000;
  if (ms === 0) throw usageError(`--${flag} must be longer than zero`);
  return ms;
}

export function choiceFlag<T extends string>(flag: string, value: string | undefined, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!choices.includes(value as T)) throw usageError(`--${flag} must be one of ${choices.join(', ')}, got "${value}"`);
  return value as T;
}

/** "i/n": shard i of n, 1 <= i <= n. */
export function shardFlag(value: string | undefined): { index: number; count: number } | null {
  if (value === undefined) return null;
  const match = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || index < 1 || index > count || count > 10_000) throw usageError(`--shard must be i/n with 1 <= i <= n (e.g. 2/8), got "${value}"`);
  return { index, count };
}

/** "allocation=strict,doubleFree=invalid-frame": model policies (models/SPEC.md), each checked. */
export function policyFlag(value: string | undefined): Partial<ModelPolicy> {
  if (value === undefined) return {};
  const policy: Record<string, string> = {};
  for (const part of value.split(',')) {
    const [name, choice] = part.split('=') as [string, string | undefined];
    const choices = POLICY_CHOICES[name as keyof ModelPolicy] as readonly string[] | undefined;
    if (choices === undefined) throw usageError(`--policy: unknown policy "${name}" (known: ${Object.keys(POLICY_CHOICES).join(', ')})`);
    if (choice === undefined || !choices.includes(choice)) throw usageError(`--policy ${name} must be one of ${choices.join(', ')}, got "${choice ?? ''}"`);
    policy[name] = choice;
  }
  return policy as Partial<ModelPolicy>;
}

/** --step-timeout: "500ms", or a duration as durationFlag reads it; at most an hour (a hang, not a step). */
export function stepTimeoutFlag(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = /^\d+ms$/.test(value) ? Number(value.slice(0, -2)) : durationFlag('step-timeout', value);
  if (ms === undefined || !Number.isSafeInteger(ms) || ms < 1 || ms > 3_600_000) throw usageError(`--step-timeout must be between 1ms and 1h (e.g. 500ms, 5s, 2m), got "${value}"`);
  return ms;
}
