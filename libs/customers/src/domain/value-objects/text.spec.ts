import { InvalidValue } from './invalid-value';
import { codePointLength, requireText } from './text';

describe('requireText', () => {
  it('accepts text with astral characters such as emoji', () => {
    expect(requireText('Ana 😀 Souza', 'Name')).toBe('Ana 😀 Souza');
    expect(codePointLength('😀')).toBe(1);
  });

  it.each(['Ana \ud800 Souza', 'Ana \udc00', '\ud83d'])(
    'rejects an unpaired surrogate in %j, which UTF-8 storage would mangle',
    (text) => {
      const attempt = () => requireText(text, 'Name');
      expect(attempt).toThrow(InvalidValue);
      expect(attempt).toThrow('Name must be valid Unicode text');
    },
  );

  it.each([
    [undefined, 'Name is required'],
    [null, 'Name is required'],
    [42, 'Name must be a string'],
  ])('rejects %p: %s', (raw, message) => {
    expect(() => requireText(raw, 'Name')).toThrow(message);
  });
});
