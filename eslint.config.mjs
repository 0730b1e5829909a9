// ESLint: typescript-eslint's recommended rules everywhere, and Pulumi's own rules (an Output interpolated into a
// template literal renders as a warning text, not its value) where Outputs live. Prettier owns the formatting.
import js from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

/** The code that handles Outputs: the Pulumi rules read types there (tools/static-checks.mjs hands them its program). */
export const TYPED_FILES = ["index.ts", "components/**/*.ts", "stacks/**/*.ts", "policy/**/*.ts"];

export default tseslint.config(
    { ignores: ["node_modules/", "policy/node_modules/", "out/", "bin/", ".scratch*/", "**/*.js"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        // `const { secrets: _secrets, ...rest } = x` drops a key on purpose.
        rules: { "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true }] },
    },
    {
        // The Pulumi rules read types, which costs a type-checked program: only the code that handles Outputs pays it.
        files: TYPED_FILES,
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
        plugins: { "@pulumi": pulumi },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
        },
    },
    {
        // chai's property assertions (`expect(x).to.be.true`) are expressions by design; tests read untyped plan JSON.
        files: ["test/**/*.ts", "packages/*/test/**/*.ts"],
        rules: { "@typescript-eslint/no-unused-expressions": "off", "@typescript-eslint/no-explicit-any": "off" },
    },
    {
        files: ["eslint.config.mjs"],
        languageOptions: { globals: { console: "readonly" } },
    },
    {
        files: ["tools/*.mjs"],
        languageOptions: { globals: { console: "readonly", process: "readonly" } },
    },
);
