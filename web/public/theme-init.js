/* Applies the stored theme before first paint. Loaded as an external, blocking
   script from <head> so the CSP needs no hash for it. Mirrors applyThemePref()
   in lib/store/theme.ts (tested together in theme.test.ts). */
(function () {
  try {
    var v = window.localStorage.getItem("parley.theme");
    if (v === "light" || v === "dark") document.documentElement.setAttribute("data-theme", v);
  } catch (e) {
    /* storage unavailable: follow the system */
  }
})();
