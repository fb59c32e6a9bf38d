// A ~30 KB page of a small company site as it is built today: Google Analytics (gtag.js),
// HubSpot, a Google Maps iframe and two tags the author marked for consent
// (`<script type="text/plain" data-consent-category="…">`), around ordinary markup
// (navigation, product cards with responsive images, a form, a footer). The vendors'
// snippets are their own embed codes (packages/core/src/catalogue/snippets.test.ts).

const GOOGLE_TAG = `<!-- Google tag (gtag.js) -->
<script async src="https://www.googletagmanager.com/gtag/js?id=G-XXXXXXXXXX"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());

  gtag('config', 'G-XXXXXXXXXX');
</script>`;

const HUBSPOT = `<!-- Start of HubSpot Embed Code -->
<script type="text/javascript" id="hs-script-loader" async defer src="//js.hs-scripts.com/1234567.js"></script>
<!-- End of HubSpot Embed Code -->`;

const MAPS = `<iframe src="https://www.google.com/maps/embed?pb=!1m18!1m12!1m3!1d2000!2d10.75!3d59.91!2m3!1f0!2f0!3f0!3m2!1i1024!2i768!4f13.1" width="600" height="450" style="border:0;" allowfullscreen="" loading="lazy" referrerpolicy="no-referrer-when-downgrade"></iframe>`;

// Marked by the site's author: run only once the category is granted.
const MARKED_STATISTICS = `<script type="text/plain" data-consent-category="performance">
  document.querySelectorAll('[data-ab-variant]').forEach(function (el) { el.hidden = el.dataset.abVariant !== (localStorage.getItem('ab') || 'a'); });
</script>`;
const MARKED_MARKETING = `<script type="text/plain" data-consent-category="marketing" src="/js/retargeting.js"></script>`;

const NAV = ['Cameras', 'Lenses', 'Drones', 'Lighting', 'Audio', 'Accessories', 'Rental', 'Service', 'Courses', 'Blog', 'About us', 'Contact'];

function card(i) {
  const slug = `product-${i}`;
  return `<li class="card card--product" data-sku="VN-${1000 + i}">
  <a class="card__link" href="/shop/${slug}" title="Camera kit ${i}">
    <picture>
      <source type="image/webp" srcset="/img/${slug}-320.webp 320w, /img/${slug}-640.webp 640w, /img/${slug}-960.webp 960w" sizes="(max-width: 600px) 100vw, 33vw">
      <img class="card__image" src="/img/${slug}-640.jpg" srcset="/img/${slug}-320.jpg 320w, /img/${slug}-640.jpg 640w" sizes="(max-width: 600px) 100vw, 33vw" width="640" height="427" loading="lazy" decoding="async" alt="Camera kit ${i}, front view">
    </picture>
    <h3 class="card__title">Camera kit ${i} <span class="badge badge--new">New</span></h3>
  </a>
  <p class="card__text">A compact kit for interviews and events: body, ${24 + (i % 3) * 26} mm lens, two batteries and a padded bag. Ready to film on the day you pick it up.</p>
  <p class="card__price"><span class="price" data-currency="NOK">${(4990 + i * 250).toLocaleString('en')} kr</span> <span class="price price--old"><s>${(5990 + i * 250).toLocaleString('en')} kr</s></span></p>
  <form class="card__form" method="post" action="/cart"><input type="hidden" name="sku" value="VN-${1000 + i}"><button type="submit" class="button button--primary">Add to cart</button></form>
</li>`;
}

function article(i) {
  return `<article class="post" id="post-${i}">
  <h3><a href="/blog/post-${i}">Filming in winter light, part ${i}</a></h3>
  <p class="post__meta"><time datetime="2026-11-${String(10 + i).padStart(2, '0')}">${10 + i} November 2026</time> · <a href="/blog/author/kari">Kari Nordmann</a></p>
  <p>Short days and low sun make for beautiful pictures, if the camera is ready for the cold. We packed <a href="/shop/product-${i}">our rental kits</a> for a week in Lofoten and wrote down what worked: keep spare batteries in an inner pocket, let the lens warm up slowly in a closed bag, and <em>never</em> breathe on the viewfinder.</p>
  <p>Next time we will bring the gimbal with the longer arm: the wind on the ridge made every pan shake. The <strong>footage</strong> is on our channel; the settings we used are in the table below.</p>
</article>`;
}

const head = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Videonor — cameras, lenses and rentals in Oslo</title>
<meta name="description" content="Cameras, lenses, drones and lighting for sale and rent. Courses and service in Oslo.">
<link rel="canonical" href="https://www.example.com/">
<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin>
<link rel="stylesheet" href="/css/site.css?v=42">
<link rel="icon" href="/favicon.ico" sizes="any">
<meta property="og:title" content="Videonor">
<meta property="og:image" content="https://www.example.com/img/og.jpg">
${GOOGLE_TAG}
<style>.card{display:grid;gap:.5rem}.price--old{color:#777}.hidden{display:none}</style>
</head>
<body class="home">
<header class="site-header">
  <a class="logo" href="/"><img src="/img/logo.svg" width="160" height="40" alt="Videonor"></a>
  <nav aria-label="Main"><ul class="menu">${NAV.map((name) => `<li class="menu__item"><a class="menu__link" href="/${name.toLowerCase().replace(/ /g, '-')}">${name}</a></li>`).join('')}</ul></nav>
  <form class="search" role="search" action="/search"><input type="search" name="q" placeholder="Search the shop" aria-label="Search"><button type="submit">Search</button></form>
</header>
<main>
<section class="hero"><h1>Film the winter</h1><p>Rent a complete kit from 490 kr a day. <a class="button" href="/rental">See the kits</a></p></section>
`;

const tail = (marked) => `<section class="visit"><h2>Visit the shop</h2><p>Storgata 1, 0155 Oslo. Open weekdays 10–18, Saturdays 10–16.</p>
${MAPS}
</section>
${marked ? MARKED_STATISTICS : ''}
</main>
<footer class="site-footer">
  <ul class="footer-links"><li><a href="/privacy">Privacy</a></li><li><a href="/cookies">Cookies</a></li><li><a href="/terms">Terms of sale</a></li><li><a href="/returns">Returns</a></li></ul>
  <p>© 2026 Videonor AS · Org. no. 999 999 999</p>
</footer>
${marked ? MARKED_MARKETING : ''}
${HUBSPOT}
</body>
</html>
`;

function build(size, marked) {
  const end = tail(marked);
  let body = '<section class="products"><h2>Popular kits</h2><ul class="cards">';
  let i = 0;
  while (head.length + body.length + end.length < size * 0.75) body += card(++i);
  body += '</ul></section>\n<section class="blog"><h2>From the blog</h2>';
  let j = 0;
  while (head.length + body.length + end.length < size - 900) body += article(++j);
  body += '</section>\n';
  return Buffer.from(head + body + end);
}

/** The page, ~30 KB. */
export const sitePage = build(30 * 1024, true);
/** The same page without its two marked tags, as most sites' pages are. */
export const sitePageUnmarked = build(30 * 1024, false);
