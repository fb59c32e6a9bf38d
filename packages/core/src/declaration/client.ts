/**
 * The banner's script, inlined after it (with the app's CSP nonce). Without it, or when it
 * is blocked, the banner's forms work as they are. With it, a choice is sent with `fetch`,
 * the banner goes, and every neutralized element of a newly granted category comes alive
 * in place, without a reload: scripts are re-created (in document order, so they run as
 * the page meant them to), loading attributes get their names back, placeholders go, and
 * Google Consent Mode hears of the change; the focus, if it was in the banner, moves to the
 * page's main content. The page hears the visitor's state as a \`consent-guard:state\` event
 * on \`document\` (its \`detail\` is the endpoint's JSON state).
 *
 * With `cache: 'shared'` the page is the same for everyone, so the script first asks the
 * endpoint for this visitor's state (the consent cookie is HttpOnly): it hides the banner
 * meanwhile, shows it again for an undecided visitor (or when the request fails), and
 * activates what the visitor granted.
 *
 * Written as plain ES2017 for browsers; `form.getAttribute('action')` because the forms
 * have an input named "action", which shadows `form.action`.
 */
export const CLIENT_SCRIPT = `(function () {
  var banner = document.getElementById('consent-guard-banner');
  if (!banner || !window.fetch) return;
  var LIVE = { 'data-consent-src': 'src', 'data-consent-srcset': 'srcset', 'data-consent-href': 'href', 'data-consent-data': 'data', 'data-consent-imagesrcset': 'imagesrcset' };
  var gpcNotice = banner.querySelector('[data-consent-gpc][hidden]');
  if (gpcNotice && navigator.globalPrivacyControl) gpcNotice.hidden = false;
  if (banner.hasAttribute('data-consent-shared')) applyStoredChoice(banner.querySelector('form').getAttribute('action'));
  banner.addEventListener('submit', function (event) {
    var form = event.target;
    event.preventDefault();
    fetch(form.getAttribute('action'), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(new FormData(form)).toString()
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (state) {
      closeBanner();
      activate(state.granted);
      updateConsentMode(state.granted);
      announce(state);
    }).catch(function () {
      form.submit();
    });
  });
  // A dialog that goes away hands the focus on, so a keyboard or screen reader user is not
  // left on nothing: to the page's main content (or its start).
  function closeBanner() {
    var hadFocus = banner.contains(document.activeElement);
    banner.remove();
    if (!hadFocus) return;
    var next = document.querySelector('main, [role="main"], h1') || document.body;
    if (next !== document.body && !next.hasAttribute('tabindex')) next.setAttribute('tabindex', '-1');
    next.focus();
  }
  function applyStoredChoice(endpoint) {
    banner.style.display = 'none';
    fetch(endpoint, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      return response.json();
    }).then(function (state) {
      if (state.decided) banner.remove();
      else banner.style.display = '';
      activate(state.granted);
      updateConsentMode(state.granted);
      announce(state);
    }).catch(function () {
      banner.style.display = '';
    });
  }
  // For the page's own scripts: what server-rendered content said about consent may be stale.
  function announce(state) {
    if (typeof CustomEvent === 'function') document.dispatchEvent(new CustomEvent('consent-guard:state', { detail: state }));
  }
  function activate(granted) {
    var elements = document.querySelectorAll('[data-consent-category], [data-consent-placeholder]');
    for (var i = 0; i < elements.length; i++) {
      var element = elements[i];
      var category = element.getAttribute('data-consent-category') || element.getAttribute('data-consent-placeholder');
      if (granted.indexOf(category) === -1) continue;
      if (!element.hasAttribute('data-consent-category')) { element.remove(); continue; }
      if (element.tagName === 'SCRIPT') { if (element.type === 'text/plain') element.replaceWith(revive(element)); continue; }
      if (element.hasAttribute('data-consent-placeholder')) { element.removeAttribute('srcdoc'); element.removeAttribute('data-consent-placeholder'); }
      for (var inert in LIVE) if (element.hasAttribute(inert)) { element.setAttribute(LIVE[inert], element.getAttribute(inert)); element.removeAttribute(inert); }
    }
  }
  function updateConsentMode(granted) {
    var map = banner.getAttribute('data-consent-mode');
    if (!map || typeof window.gtag !== 'function') return;
    var types = JSON.parse(map);
    var update = {};
    for (var category in types) for (var i = 0; i < types[category].length; i++) {
      var type = types[category][i];
      if (update[type] !== 'granted') update[type] = granted.indexOf(category) === -1 ? 'denied' : 'granted';
    }
    window.gtag('consent', 'update', update);
  }
  function revive(old) {
    var script = document.createElement('script');
    for (var i = 0; i < old.attributes.length; i++) {
      var name = old.attributes[i].name;
      if (name === 'type' || name === 'data-consent-type' || LIVE[name]) continue;
      script.setAttribute(name, old.attributes[i].value);
    }
    var type = old.getAttribute('data-consent-type');
    if (type) script.setAttribute('type', type);
    var src = old.getAttribute('data-consent-src');
    if (src) { script.async = old.hasAttribute('async'); script.src = src; } else script.text = old.text;
    return script;
  }
})();`;
