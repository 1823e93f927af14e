import { InvalidArgumentError } from 'commander';

/** Commander parser for a whole number in [min, max]; anything else is a usage error naming the option. */
export function integerIn(min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`not a whole number: ${value}`);
    const number = Number(value);
    if (number < min || number > max) throw new InvalidArgumentError(`must be ${min}–${max}`);
    return number;
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids as given on the command line or read from stdin (one per line, or separated by spaces or commas). */
export function parseIds(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((id) => id.trim())
    .filter((id) => id.length > 0);
}

/** The ids that are not UUIDs (the API would refuse the whole request for one of them). */
export function invalidIds(ids: string[]): string[] {
  return ids.filter((id) => !UUID.test(id));
}

/** Commander collector for repeated `--label key=value` (an empty value is allowed; the API checks the syntax). */
export function collectLabel(value: string, labels: Record<string, string> = {}): Record<string, string> {
  const equals = value.indexOf('=');
  if (equals <= 0) throw new InvalidArgumentError(`not key=value: ${value}`);
  return { ...labels, [value.slice(0, equals)]: value.slice(equals + 1) };
}

/** Commander collector for a repeated option. */
export function collect(value: string, values: string[] = []): string[] {
  return [...values, value];
}
