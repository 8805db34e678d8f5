import type { Field, Shape } from './xml-mapping';

/** The CORV zorgmelding's namespace (`schemas/corv/zorgmelding-bericht.v1.xsd`). */
export const ZORGMELDING_NAMESPACE = 'urn:nl:samenloop:corv:zorgmelding:1';

const text = (json: string, xml: string): Field => ({ json, xml, value: 'text' });
const bool = (json: string, xml: string): Field => ({ json, xml, value: 'boolean' });

const ADRES: readonly Field[] = [
  text('straat', 'Straat'),
  text('huisnummer', 'Huisnummer'),
  text('postcode', 'Postcode'),
  text('woonplaats', 'Woonplaats'),
  text('gemeentecode', 'Gemeentecode'),
];

const PERSOON: readonly Field[] = [
  text('bsn', 'Bsn'),
  {
    json: 'naam',
    xml: 'Naam',
    fields: [
      text('voornamen', 'Voornamen'),
      text('voorvoegsel', 'Voorvoegsel'),
      text('achternaam', 'Achternaam'),
    ],
  },
  text('geboortedatum', 'Geboortedatum'),
  text('geslacht', 'Geslacht'),
  { json: 'adres', xml: 'Adres', fields: ADRES },
];

const BETROKKENE: Shape = {
  xml: 'Betrokkene',
  fields: [
    text('rol', 'Rol'),
    { json: 'persoon', xml: 'Persoon', fields: PERSOON },
    bool('minderjarig', 'Minderjarig'),
  ],
};

const EERDERE_MELDING: Shape = {
  xml: 'EerdereMelding',
  fields: [
    text('datum', 'Datum'),
    text('politieRegistratienummer', 'PolitieRegistratienummer'),
    text('soortGeweld', 'SoortGeweld'),
  ],
};

/** The zorgmelding payload (`schemas/zorgmelding/zorgmelding.v1.schema.json`) field by field. */
export const ZORGMELDING_FIELDS: readonly Field[] = [
  {
    json: 'melder',
    xml: 'Melder',
    fields: [
      text('eenheid', 'Eenheid'),
      {
        json: 'contactpersoon',
        xml: 'Contactpersoon',
        fields: [
          text('naam', 'Naam'),
          text('functie', 'Functie'),
          text('telefoonnummer', 'Telefoonnummer'),
          text('email', 'Email'),
        ],
      },
    ],
  },
  {
    json: 'incident',
    xml: 'Incident',
    fields: [
      text('datum', 'Datum'),
      text('tijd', 'Tijd'),
      { json: 'plaats', xml: 'Plaats', fields: ADRES },
      { json: 'soortGeweld', xml: 'SoortenGeweld', list: { xml: 'SoortGeweld', value: 'text' } },
      text('omschrijving', 'Omschrijving'),
    ],
  },
  { json: 'betrokkenen', xml: 'Betrokkenen', list: BETROKKENE },
  {
    json: 'huishouden',
    xml: 'Huishouden',
    fields: [{ json: 'adres', xml: 'Adres', fields: ADRES }],
  },
  bool('kinderenAanwezig', 'KinderenAanwezig'),
  { json: 'eerdereMeldingen', xml: 'EerdereMeldingen', list: EERDERE_MELDING },
  {
    json: 'acuutGevaar',
    xml: 'AcuutGevaar',
    fields: [text('inschatting', 'Inschatting'), text('toelichting', 'Toelichting')],
  },
];

/** The envelope's part of a submission (`data` minus payload), as the Kop carries it. */
export const SUBMISSION_KOP_FIELDS: readonly Field[] = [
  text('occurredAt', 'Gebeurtenis'),
  {
    json: 'zaakReferenties',
    xml: 'ZaakReferenties',
    fields: [
      text('politieRegistratienummer', 'PolitieRegistratienummer'),
      text('zsmZaakId', 'ZsmZaakId'),
      text('parketnummer', 'Parketnummer'),
      text('vtZaakReferentie', 'VtZaakReferentie'),
    ],
  },
  { json: 'relatesTo', xml: 'VerwijstNaar', list: { xml: 'BerichtId', value: 'text' } },
];
