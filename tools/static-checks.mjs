// `npm test`'s typecheck and lint in one process: one TypeScript program serves both `tsc --noEmit -p .` (its
// diagnostics) and ESLint's type-aware Pulumi rules (parserOptions.programs), which would otherwise build the same
// program again through the project service. Same checks as `npm run typecheck` and `npm run lint`.
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import ts from "typescript";
import { TYPED_FILES } from "../eslint.config.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** `tsc --noEmit -p .`: the program of tsconfig.json and its pre-emit diagnostics, printed as tsc prints them. */
function typecheck() {
    const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => configErrors.push(d) };
    const configErrors = [];
    const parsed = ts.getParsedCommandLineOfConfigFile(path.join(root, "tsconfig.json"), { noEmit: true }, host);
    if (!parsed) return { program: undefined, diagnostics: configErrors };
    const program = ts.createProgram({
        rootNames: parsed.fileNames,
        options: parsed.options,
        projectReferences: parsed.projectReferences,
        configFileParsingDiagnostics: ts.getConfigFileParsingDiagnostics(parsed),
    });
    return { program, diagnostics: ts.getPreEmitDiagnostics(program) };
}

async function lint(program) {
    const eslint = new ESLint({
        cwd: root,
        overrideConfig: [
            { files: TYPED_FILES, languageOptions: { parserOptions: { projectService: false, programs: [program] } } },
        ],
    });
    const results = await eslint.lintFiles(["."]);
    const formatter = await eslint.loadFormatter("stylish");
    const text = await formatter.format(results);
    if (text) console.log(text);
    // `eslint --max-warnings 0`: a warning fails as an error does.
    return results.every((r) => r.errorCount === 0 && r.warningCount === 0 && r.fatalErrorCount === 0);
}

const { program, diagnostics } = typecheck();
if (diagnostics.length > 0) {
    const format = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => "\n" };
    // As tsc prints them: with colour and context on a terminal, one line each otherwise.
    const formatted = process.stdout.isTTY
        ? ts.formatDiagnosticsWithColorAndContext(diagnostics, format)
        : ts.formatDiagnostics(diagnostics, format);
    console.log(formatted);
    console.log("typecheck failed (tsc --noEmit)");
    process.exit(1);
}
if (!(await lint(program))) {
    console.log("lint failed (npm run lint; npm run lint -- --fix fixes some)");
    process.exit(1);
}
