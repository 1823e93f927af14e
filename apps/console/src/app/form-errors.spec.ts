import { HttpErrorResponse } from '@angular/common/http';
import { FormControl, FormGroup, Validators } from '@angular/forms';
import { controlError, ruleValidator, showApiErrors } from '@agent-controller/console-core';

function refusal(code: string, message: string, fields: { field: string; message: string }[] = []) {
  return new HttpErrorResponse({
    status: code === 'VALIDATION_FAILED' ? 400 : 409,
    error: {
      statusCode: 400,
      code,
      message,
      requestId: 'r1',
      ...(fields.length ? { details: { fields: fields.map((field) => ({ ...field, location: 'body' })) } } : {}),
    },
  });
}

describe('showApiErrors', () => {
  const form = () =>
    new FormGroup({ name: new FormControl(''), endpoint: new FormControl(''), serverType: new FormControl('') });

  it('puts every field refusal beside its field and says nothing else when all are placed', () => {
    const group = form();
    const message = showApiErrors(
      group,
      refusal('VALIDATION_FAILED', 'Invalid request', [
        { field: 'name', message: 'already taken' },
        { field: 'endpoint', message: 'must be a URL' },
      ]),
    );

    expect(message).toBeNull();
    expect(controlError(group.controls.name)).toBe('already taken');
    expect(controlError(group.controls.endpoint)).toBe('must be a URL');
    expect(controlError(group.controls.serverType)).toBeNull();
  });

  it('names only the fields the form has no place for', () => {
    const group = form();
    const message = showApiErrors(
      group,
      refusal('VALIDATION_FAILED', 'Invalid request', [
        { field: 'name', message: 'already taken' },
        { field: 'gitToken', message: 'too long' },
      ]),
    );

    expect(message).toBe('Invalid request (gitToken: too long)');
    expect(controlError(group.controls.name)).toBe('already taken');
  });

  it('places a field under another control name when told to', () => {
    const group = form();
    expect(
      showApiErrors(group, refusal('NAME_TAKEN', 'taken', [{ field: 'clientName', message: 'in use' }]), {
        clientName: 'name',
      }),
    ).toBeNull();
    expect(controlError(group.controls.name)).toBe('in use');
  });

  it("says the API's message when the refusal names no field", () => {
    expect(showApiErrors(form(), refusal('CONFLICT', 'Only api_key clients have a key'))).toBe(
      'Only api_key clients have a key',
    );
  });
});

describe('controlError and ruleValidator', () => {
  it('explains a broken rule with its own words, only once the field was touched', () => {
    const control = new FormControl('a b', [ruleValidator((value) => !value.includes(' '), 'no spaces')]);
    expect(controlError(control)).toBeNull();
    control.markAsTouched();
    expect(controlError(control)).toBe('no spaces');
    control.setValue('');
    expect(controlError(control)).toBeNull();
  });

  it('words the built-in validators', () => {
    const control = new FormControl(70000, [Validators.max(65535)]);
    control.markAsTouched();
    expect(controlError(control)).toBe('At most 65535');
  });
});
