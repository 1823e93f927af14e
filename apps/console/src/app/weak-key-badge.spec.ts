import { provideZonelessChangeDetection } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { WEAK_KEY_EXPLANATION, WeakKeyBadge } from '@agent-controller/console-ui';

function render(weak: boolean, explained = false): HTMLElement {
  TestBed.configureTestingModule({ providers: [provideZonelessChangeDetection()] });
  const fixture = TestBed.createComponent(WeakKeyBadge);
  fixture.componentRef.setInput('weak', weak);
  fixture.componentRef.setInput('explained', explained);
  fixture.detectChanges();
  return fixture.nativeElement as HTMLElement;
}

describe('WeakKeyBadge', () => {
  it('shows a visible warning badge with its explanation for a weak key', () => {
    const element = render(true, true);

    const badge = element.querySelector('.badge.weak-key');
    expect(badge?.textContent?.trim()).toBe('Weak key');
    expect(element.textContent).toContain(WEAK_KEY_EXPLANATION);
    expect(WEAK_KEY_EXPLANATION).toContain('shorter than 16 characters');
  });

  it('keeps the explanation for screen readers when it is not shown beside the badge (lists)', () => {
    const element = render(true);

    expect(element.querySelector('.badge.weak-key')).not.toBeNull();
    expect(element.querySelector('.visually-hidden')?.textContent).toContain(WEAK_KEY_EXPLANATION);
  });

  it('renders nothing for a strong key', () => {
    const element = render(false);

    expect(element.querySelector('.badge')).toBeNull();
    expect(element.textContent?.trim()).toBe('');
  });
});
