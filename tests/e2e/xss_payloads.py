"""Cross-site scripting payloads for the browser tests, as data.

Source: the OWASP XSS Filter Evasion Cheat Sheet
(https://cheatsheetseries.owasp.org/cheatsheets/XSS_Filter_Evasion_Cheat_Sheet.html), written
out from it: script tags in odd spellings, event handlers, javascript: URLs in every attribute
that takes one, broken and nested tags, encodings (entities, hex, decimal, embedded tab and
newline), SVG, MathML, CSS and template-injection tricks. A payload that runs calls `alert` (a
dialog the test listens for) or sets `window.__xss`; an element one would create carries
"xss" in an id, a handler or a URL, which the test looks for in the DOM.

Last, the spreadsheet formula injections (OWASP "CSV Injection"): a cell that begins with
=, +, - or @ must never reach an export as a formula.
"""

from __future__ import annotations

XSS: list[str] = [
    # Basic and odd script tags
    "<script>window.__xss=1;alert('xss')</script>",
    "<SCRIPT SRC=//xss.example/xss.js></SCRIPT>",
    "<ScRiPt>window.__xss=1</sCrIpT>",
    "<<SCRIPT>window.__xss=1;//<</SCRIPT>",
    '<SCRIPT/XSS SRC="http://xss.example/xss.js"></SCRIPT>',
    "<script/src=data:,window.__xss=1></script>",
    "</TITLE><SCRIPT>window.__xss=1</SCRIPT>",
    "</textarea><script>window.__xss=1</script>",
    '"><script>window.__xss=1</script>',
    "'><script>window.__xss=1</script>",
    "</script><script>window.__xss=1</script>",
    # Event handlers
    "<IMG SRC=x id=xss1 onerror=\"window.__xss=1;alert('xss')\">",
    "<img src=x id=xss2 onerror=alert(String.fromCharCode(88,83,83))>",
    "<svg/onload=window.__xss=1 id=xss3>",
    "<body onload=window.__xss=1>",
    "<input id=xss4 autofocus onfocus=window.__xss=1>",
    "<details open id=xss5 ontoggle=window.__xss=1>",
    "<marquee id=xss6 onstart=window.__xss=1>xss</marquee>",
    "<video id=xss7><source onerror=window.__xss=1></video>",
    "<audio id=xss8 src=x onerror=window.__xss=1>",
    '<div id=xss9 style="width:100px;height:100px" onmouseover=window.__xss=1>x</div>',
    '" onmouseover="window.__xss=1" x="',
    "' onfocus='window.__xss=1' autofocus x='",
    # javascript: URLs, with the cheat sheet's encodings
    '<a id=xss10 href="javascript:window.__xss=1">xss</a>',
    "<IMG SRC=\"jav\tascript:alert('xss');\">",
    "<IMG SRC=\"jav&#x0A;ascript:alert('xss');\">",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;"
    "&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72"
    "&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
    '<iframe id=xss11 src="javascript:window.parent.__xss=1"></iframe>',
    '<form id=xss12 action="javascript:window.__xss=1"><button>x</button></form>',
    '<object id=xss13 data="javascript:window.__xss=1"></object>',
    '<embed id=xss14 src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:window.__xss=1;">',
    '<BASE HREF="javascript:window.__xss=1;//">',
    '<LINK REL="stylesheet" HREF="javascript:window.__xss=1;">',
    "[xss](javascript:window.__xss=1)",
    "[xss](JaVaScRiPt:alert('xss'))",
    '![xss](x" onerror="window.__xss=1)',
    # Malformed, nested and half-open tags
    '<IMG """><SCRIPT>window.__xss=1</SCRIPT>">',
    "<scr<script>ipt>window.__xss=1</scr</script>ipt>",
    '<IMG SRC=x id=xss15 onerror="window.__xss=1"',
    "<svg><script>window.__xss=1</script></svg>",
    '<svg><a xlink:href="javascript:window.__xss=1"><text x="20" y="20">xss</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x id=xss16 onerror=window.__xss=1>",
    '<noscript><p title="</noscript><img src=x id=xss17 onerror=window.__xss=1>">',
    # CSS
    '<DIV STYLE="background-image: url(javascript:window.__xss=1)">',
    "<STYLE>@import'http://xss.example/xss.css';</STYLE>",
    '<style>*{background:url("javascript:window.__xss=1")}</style>',
    # Entities and encodings that must stay text
    "&lt;script&gt;window.__xss=1&lt;/script&gt;",
    "%3Cscript%3Ewindow.__xss=1%3C/script%3E",
    "\\u003cscript\\u003ewindow.__xss=1\\u003c/script\\u003e",
    # Template injection (Django, Alpine/Vue-like): must show as typed
    "{{ 7*7 }}{% debug %}<img src=x id=xss18 onerror=window.__xss=1>",
    "${alert('xss')}`-alert(1)-`",
]

# Spreadsheet formula injection: exports must neutralise these (OWASP CSV Injection).
FORMULAS: list[str] = [
    '=HYPERLINK("http://xss.example","klik")',
    "=cmd|' /C calc'!A0",
    "+SUM(1+1)",
    "-2+3",
    "@SUM(1+1)",
]

ALL: list[str] = XSS + FORMULAS
