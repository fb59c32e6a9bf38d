import { cookiebot } from './cookiebot.js';
import { cookielawinfo } from './cookielawinfo.js';
import { cookieyes } from './cookieyes.js';
import type { CmpName, ManagerFormat } from './format.js';
import { klaro } from './klaro.js';
import { gpp } from './gpp.js';
import { onetrust } from './onetrust.js';
import { tcf } from './tcf.js';
import { vanillaCookieconsent } from './vanilla-cookieconsent.js';

export const FORMATS: Readonly<Record<CmpName, ManagerFormat>> = {
  'vanilla-cookieconsent': vanillaCookieconsent,
  klaro,
  cookieyes,
  cookielawinfo,
  cookiebot,
  onetrust,
  tcf,
  gpp,
};
