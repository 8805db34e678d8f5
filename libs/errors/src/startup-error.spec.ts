import { StartupError } from './startup-error';

class InvalidExampleError extends StartupError {}

describe(StartupError.name, () => {
  it('lists every problem on a line of its own under the heading, then the hint', () => {
    const error = new InvalidExampleError(
      'Invalid example settings',
      ['A: is required', 'B: must be a number'],
      {
        hint: 'See the README.',
      },
    );

    expect(error.message).toBe(
      'Invalid example settings:\n  - A: is required\n  - B: must be a number\nSee the README.',
    );
    expect(error.problems).toEqual(['A: is required', 'B: must be a number']);
  });

  it('is named after the class thrown and is never retried', () => {
    const error = new InvalidExampleError('Invalid example settings', ['A: is required']);

    expect(error).toBeInstanceOf(StartupError);
    expect(error.name).toBe('InvalidExampleError');
    expect(error.retriable).toBe(false);
  });
});
