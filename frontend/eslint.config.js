import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The layers of src/: `app` composes features; a feature uses only the shared layers
// (`api`, `components`, `lib`, `utils`) and its own files; the shared layers use neither.
const NOT_ANOTHER_FEATURE = {
  regex: '^\\.\\./(?!\\.)|(^|/)features/',
  message: 'A feature does not import another feature: move the shared part to lib/, components/ or utils/, or compose them in app/.',
};
const NOT_UP = {
  regex: '(^|/)(features|app)/',
  message: 'The shared layers (api, components, lib, utils) do not import features or the app.',
};

export default tseslint.config(
  // e2e/ has its own scripts and owner; the generated API types are never edited.
  { ignores: ['dist', 'e2e', 'src/api/schema.d.ts'] },
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat['recommended-latest']],
  },
  {
    files: ['vite.config.ts', 'scripts/**', 'eslint.config.js'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['src/features/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NOT_ANOTHER_FEATURE] }] },
  },
  {
    files: ['src/api/**', 'src/components/**', 'src/lib/**', 'src/utils/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [NOT_UP] }] },
  },
);
