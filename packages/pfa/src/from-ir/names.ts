/**
 * Avro names for PMML field names. A record field must match [A-Za-z_][A-Za-z0-9_]* (Avro 1.x
 * §Names), while PMML names are any text ("Sepal.Length", "P (Species=setosa)"): each PMML name
 * gets its own Avro name, distinct from the others, and the document keeps the PMML name in the
 * field's `doc`.
 */
export class AvroNames {
  private readonly byPmml = new Map<string, string>();
  private readonly taken = new Set<string>();

  nameOf(pmml: string): string {
    const known = this.byPmml.get(pmml);
    if (known !== undefined) return known;
    let base = pmml.replace(/[^A-Za-z0-9_]/g, "_");
    if (base === "" || /^[0-9]/.test(base)) base = `_${base}`;
    let name = base;
    for (let k = 2; this.taken.has(name); k++) name = `${base}_${k}`;
    this.taken.add(name);
    this.byPmml.set(pmml, name);
    return name;
  }
}
