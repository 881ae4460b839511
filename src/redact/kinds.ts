/** The kinds of value the redact stage finds; each can be switched on or off. */
export const KINDS = ['email', 'ip', 'phone', 'credit_card', 'iban', 'us_ssn', 'secret'] as const;
export type Kind = (typeof KINDS)[number];

export const DEFAULT_PLACEHOLDERS: Readonly<Record<Kind, string>> = {
  email: '<EMAIL>',
  ip: '<IP_ADDRESS>',
  phone: '<PHONE>',
  credit_card: '<CREDIT_CARD>',
  iban: '<IBAN>',
  us_ssn: '<US_SSN>',
  secret: '<SECRET>',
};

export type KindSwitches = Record<Kind, boolean>;

export function allKinds(on = true): KindSwitches {
  return { email: on, ip: on, phone: on, credit_card: on, iban: on, us_ssn: on, secret: on };
}
