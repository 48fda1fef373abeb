import "./types.ts";
