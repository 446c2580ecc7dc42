// Measures the layout of the audit page as Chromium laid it out, for
// chromium.sh. The page itself has no script (its CSP forbids one): a copy
// without the CSP, with this script at its end, is the srcdoc of an iframe
// as wide as the width to test (a headless window is at least 500 px wide);
// the script writes its result to the attribute data-probe of the <body>
// of the page around it, which the DOM Chromium dumps shows.
//
//   width     the viewport's width (window.innerWidth)
//   scroll    the document's scroll width: more than width is a horizontal
//             scroll bar
//   wide      elements whose box reaches past the viewport's right edge
//   broken    words (runs without white space, outside .hash and .url,
//             which may wrap anywhere) that the line breaker split over
//             two lines
//   shown     li.org elements that are visible (a folded one is not)
//   orgs      li.org elements
//   colours   the computed colours of the visible elements that hold text
//   background  the computed background colour of <body>
(function () {
	"use strict";
	var out = {
		width: window.innerWidth,
		scroll: document.documentElement.scrollWidth,
		wide: [],
		broken: [],
		shown: 0,
		orgs: 0,
		colours: [],
		background: getComputedStyle(document.body).backgroundColor
	};
	var colours = {};
	var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
	var node;
	while ((node = walker.nextNode()) !== null) {
		var parent = node.parentElement;
		if (parent.closest("script") !== null || !/\S/.test(node.data))
			continue;
		if (parent.checkVisibility())
			colours[getComputedStyle(parent).color] = true;
		if (parent.closest(".hash, .url") !== null)
			continue;
		var re = /\S+/g, m;
		while ((m = re.exec(node.data)) !== null) {
			var range = document.createRange();
			range.setStart(node, m.index);
			range.setEnd(node, m.index + m[0].length);
			var tops = {};
			var rects = range.getClientRects();
			for (var i = 0; i < rects.length; i++)
				if (rects[i].width > 0)
					tops[Math.round(rects[i].top)] = true;
			if (Object.keys(tops).length > 1)
				out.broken.push(m[0]);
		}
	}
	out.colours = Object.keys(colours).sort();
	document.querySelectorAll("body *").forEach(function (e) {
		var box = e.getBoundingClientRect();
		if (box.width > 0 && box.right > out.width + 0.5)
			out.wide.push(e.tagName.toLowerCase() + "." + e.className);
	});
	document.querySelectorAll("li.org").forEach(function (e) {
		out.orgs++;
		if (e.checkVisibility())
			out.shown++;
	});
	window.parent.document.body.setAttribute("data-probe", JSON.stringify(out));
})();
