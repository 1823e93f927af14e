/** A benchmark's knobs, from the environment: a number, or a comma-separated list. */
export const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
export const list = (name: string, fallback: string) => (process.env[name] || fallback).split(',').filter(Boolean);
