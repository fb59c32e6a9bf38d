// Scoped to the banner's id: nothing leaks out, and `all: revert` keeps the page's styles out.
export const BANNER_STYLE = [
  '#consent-guard-banner{all:revert;position:fixed;inset:auto 0 0 0;z-index:2147483647;box-sizing:border-box;max-height:100vh;overflow:auto;margin:0;padding:1rem;background:#fff;color:#111;border-top:2px solid #111;font:16px/1.5 system-ui,sans-serif;color-scheme:light}',
  '#consent-guard-banner *{box-sizing:border-box;font:inherit;color:inherit}',
  '#consent-guard-banner h2{margin:0 0 .25rem;font-size:1.125rem;font-weight:700}',
  '#consent-guard-banner p{margin:0 0 .75rem;max-width:60rem}',
  '#consent-guard-banner a{color:#0645ad;text-decoration:underline}',
  '#consent-guard-banner form{display:inline-block;margin:0 .5rem .5rem 0}',
  '#consent-guard-banner button{min-width:10rem;min-height:2.75rem;padding:.5rem 1rem;border:2px solid #111;border-radius:.25rem;background:#111;color:#fff;font-weight:600;cursor:pointer}',
  '#consent-guard-banner button:focus-visible,#consent-guard-banner summary:focus-visible,#consent-guard-banner input:focus-visible,#consent-guard-banner a:focus-visible{outline:3px solid #f90;outline-offset:2px}',
  '#consent-guard-banner details{margin:.25rem 0}',
  '#consent-guard-banner summary{cursor:pointer;text-decoration:underline;padding:.25rem 0}',
  '#consent-guard-banner fieldset{border:0;margin:.5rem 0;padding:0}',
  '#consent-guard-banner label{display:block;margin:.5rem 0}',
  '#consent-guard-banner label small{display:block;margin-left:1.75rem;opacity:.85}',
  '@media (prefers-color-scheme:dark){#consent-guard-banner{background:#111;color:#eee;border-top-color:#eee;color-scheme:dark}#consent-guard-banner button{background:#eee;color:#111;border-color:#eee}#consent-guard-banner a{color:#8ab4f8}}',
  '@media (prefers-reduced-motion:reduce){#consent-guard-banner *{transition:none;animation:none}}',
].join('');
