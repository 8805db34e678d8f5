/**
 * The BSN 11-test (elfproef): 9 digits d1..d9 with 9·d1 + 8·d2 + … + 2·d8 − 1·d9 divisible by 11.
 * Test data uses the 9999xxxxx range, which passes the test but is issued to nobody.
 */
export function isBsn(value: string): boolean {
  if (!/^[0-9]{9}$/.test(value) || value === '000000000') return false;
  let sum = 0;
  for (let index = 0; index < 8; index++) sum += Number(value[index]) * (9 - index);
  sum -= Number(value[8]);
  return sum % 11 === 0;
}
