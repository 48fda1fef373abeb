// No headless-gl: gpu.js checks `typeof require("gl") === "function"` and falls back to CPU mode.
module.exports = null;
