// TypeDoc plugin: documents members of mapped types (no source declaration to comment), e.g. the
// keys of zod enum objects (`z.enum(CLOUDS)` → `{ aws: "aws", … }`) and of componentsSchema.
import { Converter, ReflectionKind, Comment } from 'typedoc';
export function load(app) {
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Property)) return;
    const symbol = context.getSymbolFromReflection(reflection);
    if (!symbol || (symbol.declarations && symbol.declarations.length)) return;
    // A member of a mapped type (zod's enum object `{ aws: 'aws' }`, `{ [K in ComponentName]: … }`):
    // nothing in the source to document, so it is documented by its value.
    reflection.comment = new Comment([{ kind: 'code', text: '`' + reflection.name + '`' }]);
  });
}
