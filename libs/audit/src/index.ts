export { dataSubjectsOf, disclosedPersons, personsOf, PERSON_LOCATIONS } from './data-subjects';
export type { DataSubject, DeliveredPart, PersonInMessage, PseudonymSource } from './data-subjects';
export { bsnIdentity, fullName, normalisedName, personIdentity } from './person-identity';
export type { SubjectIdentity } from './person-identity';
