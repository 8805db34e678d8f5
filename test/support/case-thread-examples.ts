/** The valid schema examples one multi-partner case thread is built from, under `schemas/`. */
export const CASE_THREAD_EXAMPLES = Object.freeze({
  entry: 'verdachtenmonitor-entry/examples/valid/partnergeweld-aangehouden-met-kinderen.json',
  zorgmelding: 'zorgmelding/examples/valid/partnergeweld-met-kinderen.json',
  beoordeling:
    'veiligheidsbeoordeling/examples/valid/partnergeweld-kinderen-contact-en-locatieverbod.json',
  afdoening: 'afdoeningsbeslissing/examples/valid/heenzenden-met-voorwaarden-partnergeweld.json',
});
