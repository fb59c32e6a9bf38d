<?php
// The demo site's page, as a PHP site renders it: a session, an A/B test cookie and a
// cookie nobody declared, set the way WordPress plugins set theirs. The proxy in front of
// it decides which of them reach the browser, and which cookies this script gets to see.
session_start();
$variant = ($_COOKIE['__ab12'] ?? '') === 'B' || (($_COOKIE['__ab12'] ?? '') !== 'A' && random_int(0, 1) === 1) ? 'B' : 'A';
setcookie('__ab12', $variant, time() + 30 * 86400, '/');
setcookie('undeclared_tracker', '1');
header('Content-Type: text/html; charset=utf-8');
$cookiesSeen = $_SERVER['HTTP_COOKIE'] ?? '(none)';
include __DIR__ . "/page-$variant.php";
