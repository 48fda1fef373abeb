/**
 * Every test process registers the backends `porta` ships, as `import "porta"` does for a user:
 * package tests reach the runtime through @porta/runtime, which names no backend itself.
 */
import "porta/backends";
