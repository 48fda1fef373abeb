/**
 * The backends `porta` ships, registered by importing their packages: compile-js (tried first),
 * the reference interpreter (scores what nothing faster can) and the PFA engine.
 */
import "@porta/compile-js";
import "@porta/interp";
import "@porta/pfa";
