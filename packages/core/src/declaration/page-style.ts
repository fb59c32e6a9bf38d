// The declaration page's own styles: readable tables in light and dark, nothing more.
export const DECLARATION_STYLE =
  'body{font:16px/1.5 system-ui,sans-serif;margin:0;color-scheme:light dark}main{max-width:60rem;margin:auto;padding:1rem}' +
  'table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{border:1px solid #8888;padding:.35rem .5rem;text-align:left;vertical-align:top}' +
  'form{display:inline-block;margin:.25rem .5rem .25rem 0}fieldset{margin:.5rem 0}button{font:inherit;padding:.4rem .9rem;cursor:pointer}';
