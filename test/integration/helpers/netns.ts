/** The namespace lab lives in product code (the demo uses it too); tests import it from here. */
export * from '../../../src/daemon/lab.js';
