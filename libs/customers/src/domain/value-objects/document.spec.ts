import fc from 'fast-check';
import { thrownBy } from '../testing/thrown-by';
import { cnpjCheckDigits, cpfCheckDigits, Document, InvalidDocument } from './document';
import { InvalidValue } from './invalid-value';

// Reference check digits written differently from the implementation (the "sum × 10 mod 11" form and CNPJ weights
// derived as 2..9 cycling from the right), so the property tests do not just compare the code with itself.
function referenceCheckDigit(values: number[], weights: number[]): number {
  const sum = values.reduce((total, v, i) => total + v * weights[i], 0);
  return ((sum * 10) % 11) % 10;
}
function referenceCpf(first9: string): string {
  const d = [...first9].map(Number);
  const dv1 = referenceCheckDigit(
    d,
    d.map((_, i) => 10 - i),
  );
  const dv2 = referenceCheckDigit(
    [...d, dv1],
    [...d, dv1].map((_, i) => 11 - i),
  );
  return `${first9}${dv1}${dv2}`;
}
function cnpjWeights(length: number): number[] {
  return Array.from({ length }, (_, i) => 2 + ((length - 1 - i) % 8));
}
function referenceCnpj(first12: string): string {
  const v = [...first12].map((c) => c.charCodeAt(0) - 48);
  const dv1 = referenceCheckDigit(v, cnpjWeights(12));
  const dv2 = referenceCheckDigit([...v, dv1], cnpjWeights(13));
  return `${first12}${dv1}${dv2}`;
}

const notAllSame = (s: string) => !/^(.)\1*$/.test(s);
const digitString = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: length, maxLength: length }).filter(notAllSame);
const alphanumericString = (length: number) =>
  fc
    .string({ unit: fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'), minLength: length, maxLength: length })
    .filter(notAllSame);

/** The number with the digit at `index` replaced by a different digit. */
function withDigitChanged(number: string, index: number, delta: number): string {
  const changed = (Number(number[index]) + delta) % 10;
  return number.slice(0, index) + changed + number.slice(index + 1);
}

function invalidNumber(type: string, number: string): InvalidDocument {
  const error = thrownBy(() => Document.of(type, number));
  expect(error).toBeInstanceOf(InvalidDocument);
  expect((error as InvalidDocument).field).toBe('number');
  return error as InvalidDocument;
}

describe('Document', () => {
  describe('CPF', () => {
    it('accepts a known valid CPF and stores its 11 digits', () => {
      const document = Document.of('CPF', '52998224725');

      expect(document.type).toBe('CPF');
      expect(document.number).toBe('52998224725');
    });

    it('strips the punctuation of 529.982.247-25', () => {
      expect(Document.of('CPF', '529.982.247-25').number).toBe('52998224725');
    });

    it('trims surrounding whitespace', () => {
      expect(Document.of('CPF', ' 52998224725 ').number).toBe('52998224725');
    });

    it('rejects a wrong first check digit', () => {
      expect(invalidNumber('CPF', '52998224735').detail).toMatch(/check digits do not match/);
    });

    it('rejects a wrong second check digit', () => {
      expect(invalidNumber('CPF', '52998224726').detail).toMatch(/check digits do not match/);
    });

    it.each([...'0123456789'].map((d) => d.repeat(11)))('rejects the repeated-digit CPF %s', (number) => {
      expect(invalidNumber('CPF', number).detail).toMatch(/all digits equal/);
    });

    it.each(['5299822472', '529982247250', '5299822472A', '529 982 247 25', '529/982/247-25'])(
      'rejects %s, which is not 11 digits',
      (number) => {
        expect(invalidNumber('CPF', number).detail).toMatch(/11 digits/);
      },
    );

    it('computes the check digits of the first 9 digits', () => {
      expect(cpfCheckDigits('529982247')).toBe('25');
    });

    it('accepts any 9 digits followed by their check digits', () => {
      fc.assert(
        fc.property(digitString(9), (first9) => {
          const cpf = referenceCpf(first9);
          expect(Document.of('CPF', cpf).number).toBe(cpf);
        }),
      );
    });

    it('rejects a valid CPF with either check digit changed', () => {
      fc.assert(
        fc.property(digitString(9), fc.constantFrom(9, 10), fc.integer({ min: 1, max: 9 }), (first9, index, delta) => {
          const tampered = withDigitChanged(referenceCpf(first9), index, delta);
          expect(invalidNumber('CPF', tampered).detail).toMatch(/check digits do not match/);
        }),
      );
    });
  });

  describe('CNPJ', () => {
    it('accepts a known valid all-digit CNPJ', () => {
      const document = Document.of('CNPJ', '11222333000181');

      expect(document.type).toBe('CNPJ');
      expect(document.number).toBe('11222333000181');
    });

    it('strips the punctuation of 11.222.333/0001-81', () => {
      expect(Document.of('CNPJ', '11.222.333/0001-81').number).toBe('11222333000181');
    });

    it('accepts the alphanumeric CNPJ 12ABC34501DE35', () => {
      expect(Document.of('CNPJ', '12ABC34501DE35').number).toBe('12ABC34501DE35');
    });

    it('upper-cases a punctuated lower-case alphanumeric CNPJ', () => {
      expect(Document.of('CNPJ', '12.abc.345/01de-35').number).toBe('12ABC34501DE35');
    });

    it('rejects a wrong check digit', () => {
      expect(invalidNumber('CNPJ', '11222333000182').detail).toMatch(/check digits do not match/);
    });

    it('rejects a wrong check digit on an alphanumeric CNPJ', () => {
      expect(invalidNumber('CNPJ', '12ABC34501DE36').detail).toMatch(/check digits do not match/);
    });

    it('rejects letters in the check digits', () => {
      expect(invalidNumber('CNPJ', '12ABC34501DEA5').detail).toMatch(/14 characters/);
    });

    it.each(['00000000000000', '11111111111111'])('rejects the repeated-digit CNPJ %s', (number) => {
      expect(invalidNumber('CNPJ', number).detail).toMatch(/all digits equal/);
    });

    it.each(['1122233300018', '112223330001811', '12ABC_34501DE3', '12ÀBC34501DE35', '11 222 333 0001 81'])(
      'rejects %s, which is not 12 letters or digits and 2 digits',
      (number) => {
        expect(invalidNumber('CNPJ', number).detail).toMatch(/14 characters/);
      },
    );

    it('computes the check digits of 12 alphanumeric characters, A being worth 17', () => {
      expect(cnpjCheckDigits('12ABC34501DE')).toBe('35');
    });

    it('accepts any 12 digits followed by their check digits', () => {
      fc.assert(
        fc.property(digitString(12), (first12) => {
          const cnpj = referenceCnpj(first12);
          expect(Document.of('CNPJ', cnpj).number).toBe(cnpj);
        }),
      );
    });

    it('accepts any 12 letters or digits followed by their check digits', () => {
      fc.assert(
        fc.property(alphanumericString(12), (first12) => {
          const cnpj = referenceCnpj(first12);
          expect(Document.of('CNPJ', cnpj.toLowerCase()).number).toBe(cnpj);
        }),
      );
    });

    it('rejects a valid CNPJ with either check digit changed', () => {
      fc.assert(
        fc.property(
          alphanumericString(12),
          fc.constantFrom(12, 13),
          fc.integer({ min: 1, max: 9 }),
          (first12, index, delta) => {
            const tampered = withDigitChanged(referenceCnpj(first12), index, delta);
            expect(invalidNumber('CNPJ', tampered).detail).toMatch(/check digits do not match/);
          },
        ),
      );
    });
  });

  describe('type', () => {
    it.each(['RG', 'cpf', 'Cnpj', ' CPF', ''])('rejects the type %p', (type) => {
      const error = thrownBy(() => Document.of(type, '52998224725'));

      expect(error).toBeInstanceOf(InvalidDocument);
      expect(error).toMatchObject({ field: 'type', detail: 'Document type must be CPF or CNPJ' });
    });
  });

  it('reports a missing number as a number problem', () => {
    expect(invalidNumber('CPF', undefined as unknown as string).detail).toBe('Document number is required');
  });

  it('is an InvalidValue, so generic handling of value errors also catches it', () => {
    expect(thrownBy(() => Document.of('CPF', '123'))).toBeInstanceOf(InvalidValue);
  });

  it('equals a document of the same type and number, however it was punctuated', () => {
    expect(Document.of('CPF', '529.982.247-25').equals(Document.of('CPF', '52998224725'))).toBe(true);
  });

  it('differs from a document with another number', () => {
    expect(Document.of('CNPJ', '11222333000181').equals(Document.of('CNPJ', '12ABC34501DE35'))).toBe(false);
  });
});
