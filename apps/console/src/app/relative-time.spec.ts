import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import {
  Clock,
  CLOCK_TICK_MS,
  formatExactTime,
  formatRelativeTime,
  TimeComponent,
  toDate,
} from '@agent-controller/console-ui';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const ago = (ms: number): Date => new Date(NOW - ms);

describe('formatRelativeTime', () => {
  it.each([
    [0, 'just now'],
    [4_999, 'just now'],
    [12_000, '12 s ago'],
    [59_999, '59 s ago'],
    [60_000, '1 min ago'],
    [3 * 60_000 + 59_000, '3 min ago'],
    [5 * 3_600_000, '5 h ago'],
    [24 * 3_600_000, '1 day ago'],
    [2 * 24 * 3_600_000 + 5_000, '2 days ago'],
    [45 * 24 * 3_600_000, '1 month ago'],
    [400 * 24 * 3_600_000, '1 year ago'],
    [800 * 24 * 3_600_000, '2 years ago'],
  ])('says %i ms in the past is "%s"', (ms, text) => {
    expect(formatRelativeTime(ago(ms), NOW)).toBe(text);
  });

  it('says a future time is "in …", but not a server clock a few seconds ahead', () => {
    expect(formatRelativeTime(ago(-5 * 60_000), NOW)).toBe('in 5 min');
    // A future time rounds up: a 30-day token made a moment ago reads "in 30 days".
    expect(formatRelativeTime(ago(-(30 * 86_400_000 - 2_000)), NOW)).toBe('in 30 days');
    expect(formatRelativeTime(ago(-3_000), NOW)).toBe('just now');
  });
});

describe('toDate and formatExactTime', () => {
  it('reads ISO strings and treats missing or unparsable values as no date', () => {
    expect(toDate('2026-12-07T12:00:00Z')?.getTime()).toBe(NOW);
    expect(toDate(null)).toBeNull();
    expect(toDate(undefined)).toBeNull();
    expect(toDate('')).toBeNull();
    expect(toDate('not a date')).toBeNull();
  });

  it('shows the exact date with seconds', () => {
    const exact = formatExactTime(new Date(2026, 11, 7, 14, 3, 9), 'en-GB');
    expect(exact).toContain('2026');
    expect(exact).toContain('14:03:09');
  });
});

describe('TimeComponent', () => {
  function render(value: string | null, inputs: Record<string, string> = {}) {
    TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection()] });
    const clock = TestBed.inject(Clock);
    const fixture = TestBed.createComponent(TimeComponent);
    fixture.componentRef.setInput('value', value);
    for (const [name, text] of Object.entries(inputs)) fixture.componentRef.setInput(name, text);
    fixture.detectChanges();
    return { fixture, clock, element: fixture.nativeElement as HTMLElement };
  }

  afterEach(() => vi.useRealTimers());

  it('shows the relative time with its prefix, the exact time on hover and a machine-readable datetime', () => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    const { element } = render(ago(12_000).toISOString(), { prefix: 'checked' });

    const time = element.querySelector('time');
    expect(time?.textContent?.trim()).toBe('checked 12 s ago');
    expect(time?.getAttribute('datetime')).toBe(ago(12_000).toISOString());
    expect(time?.getAttribute('title')).toBe(formatExactTime(ago(12_000)));
  });

  it('stays current as the shared clock ticks, without a timer of its own', () => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date', 'setInterval', 'clearInterval'] });
    const { fixture, element } = render(ago(50_000).toISOString());
    expect(element.textContent?.trim()).toBe('50 s ago');

    vi.advanceTimersByTime(CLOCK_TICK_MS);
    fixture.detectChanges();
    expect(element.textContent?.trim()).toBe('1 min ago');
    expect(vi.getTimerCount()).toBe(1);
  });

  it('reads a date newer than the clock’s last tick (a row that just arrived) as just now, not "in 7 s"', () => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date', 'setInterval', 'clearInterval'] });
    TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection()] });
    expect(TestBed.inject(Clock).now()).toBe(NOW);
    vi.setSystemTime(NOW + 7_000);
    const fixture = TestBed.createComponent(TimeComponent);
    fixture.componentRef.setInput('value', new Date(NOW + 7_000).toISOString());
    fixture.detectChanges();
    expect((fixture.nativeElement as HTMLElement).textContent?.trim()).toBe('just now');
  });

  it('shows the fallback text when there is no date', () => {
    const { element } = render(null, { empty: 'never' });

    expect(element.querySelector('time')).toBeNull();
    expect(element.textContent?.trim()).toBe('never');
  });
});
