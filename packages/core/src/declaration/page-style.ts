// The declaration page's own styles, scoped to its content (it may sit in the site's template):
// readable tables in light and dark that reflow into labelled lines on a phone.
export const DECLARATION_STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;margin:0;color-scheme:light dark}main.consent-guard-page{max-width:60rem;margin:auto;padding:1rem}' +
  '.consent-guard-page{overflow-wrap:anywhere}.consent-guard-page h1{font-size:1.75rem;margin:.5rem 0 1rem}' +
  '.consent-guard-saved{border:2px solid currentColor;border-radius:.25rem;padding:.5rem .75rem;font-weight:600}' +
  '.consent-guard-page table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}.consent-guard-page th,.consent-guard-page td{border:1px solid #8888;padding:.35rem .5rem;text-align:left;vertical-align:top}' +
  '.consent-guard-page form{display:inline-block;margin:.25rem .5rem .25rem 0}.consent-guard-page fieldset{margin:.5rem 0}.consent-guard-page button{font:inherit;padding:.4rem .9rem;cursor:pointer;min-height:2.75rem}' +
  // Narrow screens: each row becomes a block, each cell a line headed by its column's name.
  '@media (max-width:40rem){.consent-guard-page thead{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}' +
  '.consent-guard-page table,.consent-guard-page tbody,.consent-guard-page tr,.consent-guard-page th,.consent-guard-page td{display:block;width:auto}' +
  '.consent-guard-page tr{border:1px solid #8888;margin:0 0 .75rem}.consent-guard-page th,.consent-guard-page td{border:0}' +
  '.consent-guard-page td[data-label]::before{content:attr(data-label) ": ";font-weight:600}}';
