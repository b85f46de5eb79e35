import { getMetadataStorage, IsInt, IsString, validateSync } from 'class-validator';
import { cacheValidationMetadata } from './validation-metadata-cache';

class Parent {
  @IsString()
  name!: unknown;
}

class Child extends Parent {
  @IsInt()
  count!: unknown;
}

function invalid(dto: object): string[] {
  return validateSync(dto, { whitelist: true, forbidNonWhitelisted: true })
    .map((error) => error.property)
    .sort();
}

describe('cacheValidationMetadata', () => {
  const storage = getMetadataStorage();
  const lookUp = jest.spyOn(storage, 'getTargetValidationMetadatas');
  cacheValidationMetadata(storage);
  cacheValidationMetadata(storage);

  it("works out a class's rules once, and keeps applying its own and its parent's", () => {
    const before = lookUp.mock.calls.length;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(invalid(Object.assign(new Child(), { name: 1, count: 'x', extra: true }))).toEqual(['count', 'extra', 'name']);
      expect(invalid(Object.assign(new Child(), { name: 'a', count: 2 }))).toEqual([]);
    }
    expect(lookUp.mock.calls.length - before).toBe(1);
  });

  it('keeps the rules of a parent apart from those of its child', () => {
    expect(invalid(Object.assign(new Child(), { name: 'a', count: 2 }))).toEqual([]);
    expect(invalid(Object.assign(new Parent(), { name: 'a', count: 2 }))).toEqual(['count']);
  });

  it('leaves grouped validation to the library', () => {
    const before = lookUp.mock.calls.length;
    validateSync(new Parent(), { groups: ['some'] });
    validateSync(new Parent(), { groups: ['some'] });
    expect(lookUp.mock.calls.length - before).toBe(2);
  });
});
