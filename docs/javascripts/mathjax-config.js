// MathJax settings for pymdownx.arithmatex in "generic" mode: it wraps inline
// maths in \( ... \) and display maths in \[ ... \], inside elements of class
// "arithmatex". This file must load before tex-svg-full.js (see mkdocs.yml).
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
  },
  svg: { fontCache: "global" },
};
