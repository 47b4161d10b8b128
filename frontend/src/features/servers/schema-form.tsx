import {
  Fieldset,
  JsonInput,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useEffect, useRef, useState, type RefObject } from 'react';
import type { JsonObject } from './api';
import {
  fieldKind,
  fieldLabel,
  isNullable,
  linesToList,
  linesToMap,
  mapToLines,
  orderedProperties,
  setIn,
  type JsonSchema,
} from './schema';

interface FormProps {
  schema: JsonSchema;
  value: JsonObject;
  onChange: (value: JsonObject) => void;
  /** Errors keyed by field path relative to the config, e.g. `basic.max_bandwidth`. */
  errors: Record<string, string>;
  readOnly?: boolean;
  /** Paths of fields whose text cannot be parsed right now (JSON, key = value lines). */
  invalid: RefObject<Set<string>>;
}

/** A form generated from a game adapter's JSON Schema. */
export function SchemaForm(props: FormProps) {
  const { schema, value, onChange } = props;
  return (
    <ObjectFields
      {...props}
      schema={schema}
      path={[]}
      value={value}
      onFieldChange={(path, v) => onChange(setIn(value, path, v))}
    />
  );
}

interface ObjectProps extends Omit<FormProps, 'onChange'> {
  path: string[];
  onFieldChange: (path: string[], value: unknown) => void;
}

function ObjectFields({ schema, value, path, ...rest }: ObjectProps) {
  const entries = orderedProperties(schema);
  const simple = entries.filter(([, s]) => ['string', 'enum', 'integer', 'number'].includes(fieldKind(s)));
  const switches = entries.filter(([, s]) => fieldKind(s) === 'boolean');
  const wide = entries.filter(([, s]) => ['string-array', 'string-map', 'json'].includes(fieldKind(s)));
  const objects = entries.filter(([, s]) => fieldKind(s) === 'object');
  const render = ([key, s]: [string, JsonSchema]) => (
    <Field key={key} name={key} schema={s} value={value?.[key]} path={[...path, key]} {...rest} />
  );
  if (entries.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        This game has no settings.
      </Text>
    );
  }
  return (
    <Stack gap="md">
      {simple.length > 0 && <SimpleGrid cols={{ base: 1, sm: 2 }}>{simple.map(render)}</SimpleGrid>}
      {switches.length > 0 && (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" verticalSpacing="sm">
          {switches.map(render)}
        </SimpleGrid>
      )}
      {wide.map(render)}
      {objects.map(([key, s]) => (
        <Fieldset key={key} legend={fieldLabel(key, s)} data-testid={`config-${[...path, key].join('.')}`}>
          {s.description && (
            <Text size="xs" c="dimmed" mb="sm">
              {s.description}
            </Text>
          )}
          <ObjectFields
            {...rest}
            schema={s}
            value={(value?.[key] ?? {}) as JsonObject}
            path={[...path, key]}
          />
        </Fieldset>
      ))}
    </Stack>
  );
}

interface FieldProps extends Omit<ObjectProps, 'value' | 'schema'> {
  name: string;
  schema: JsonSchema;
  value: unknown;
}

function Field({ name, schema, value, path, errors, readOnly, invalid, onFieldChange }: FieldProps) {
  const key = path.join('.');
  const label = fieldLabel(name, schema);
  const nullable = isNullable(schema);
  const range =
    schema.minimum !== undefined && schema.maximum !== undefined
      ? `${schema.minimum}–${schema.maximum}`
      : schema.minimum !== undefined
        ? `At least ${schema.minimum}`
        : schema.maximum !== undefined
          ? `At most ${schema.maximum}`
          : null;
  const description = [schema.description, nullable ? 'Optional' : null, range].filter(Boolean).join(' · ');
  const common = {
    label,
    description: description || undefined,
    error: errors[key],
    readOnly,
    'data-testid': `config-${key}`,
  };
  const set = (v: unknown) => onFieldChange(path, v);

  switch (fieldKind(schema)) {
    case 'boolean':
      return (
        <Switch
          label={label}
          description={schema.description}
          error={errors[key]}
          checked={value === true}
          disabled={readOnly}
          data-testid={`config-${key}`}
          onChange={(e) => set(e.currentTarget.checked)}
        />
      );
    case 'enum': {
      const options = (schema.enum ?? []).filter((o) => o !== null);
      return (
        <Select
          {...common}
          data={options.map((o) => ({ value: String(o), label: String(o) }))}
          value={value === null || value === undefined ? null : String(value)}
          clearable={nullable}
          allowDeselect={nullable}
          disabled={readOnly}
          onChange={(v) => set(v === null ? null : (options.find((o) => String(o) === v) ?? v))}
          comboboxProps={{ withinPortal: true }}
        />
      );
    }
    case 'integer':
    case 'number':
      return (
        <NumberInput
          {...common}
          placeholder={nullable ? 'Not set' : undefined}
          value={typeof value === 'number' ? value : ''}
          min={schema.minimum}
          max={schema.maximum}
          allowDecimal={fieldKind(schema) === 'number'}
          thousandSeparator={false}
          onChange={(v) => set(v === '' ? (nullable ? null : '') : typeof v === 'number' ? v : Number(v))}
        />
      );
    case 'string':
      return (
        <TextInput
          {...common}
          placeholder={nullable ? 'Not set' : undefined}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => {
            const v = e.currentTarget.value;
            set(v === '' && nullable ? null : v);
          }}
        />
      );
    case 'string-array':
      return (
        <LinesField
          {...common}
          description={[schema.description, 'One per line.'].filter(Boolean).join(' · ')}
          external={Array.isArray(value) ? (value as unknown[]).map(String).join('\n') : ''}
          parse={(text) => ({ value: linesToList(text), error: null })}
          onValue={set}
          path={key}
          invalid={invalid}
        />
      );
    case 'string-map':
      return (
        <LinesField
          {...common}
          description={[schema.description, 'One "name = value" per line.'].filter(Boolean).join(' · ')}
          external={mapToLines(value)}
          parse={linesToMap}
          onValue={set}
          path={key}
          invalid={invalid}
        />
      );
    default:
      return (
        <LinesField
          {...common}
          json
          description={[schema.description, 'JSON'].filter(Boolean).join(' · ')}
          external={value === undefined ? '' : JSON.stringify(value, null, 2)}
          parse={(text) => {
            if (text.trim() === '') return { value: nullable ? null : undefined, error: null };
            try {
              return { value: JSON.parse(text), error: null };
            } catch {
              return { value: undefined, error: 'Not valid JSON' };
            }
          }}
          onValue={set}
          path={key}
          invalid={invalid}
        />
      );
  }
}

interface LinesProps {
  label: string;
  description?: string;
  error?: string;
  readOnly?: boolean;
  'data-testid': string;
  json?: boolean;
  /** The current value rendered as text. */
  external: string;
  parse: (text: string) => { value: unknown; error: string | null };
  onValue: (value: unknown) => void;
  path: string;
  invalid: RefObject<Set<string>>;
}

/** A textarea holding its own text (so blank lines can be typed) and reporting parsed values. */
function LinesField({ external, parse, onValue, path, invalid, error, json, ...rest }: LinesProps) {
  const [text, setText] = useState(external);
  const [localError, setLocalError] = useState<string | null>(null);
  const lastSent = useRef(external);

  // Follow changes that did not come from this field (reset, game switch, reload).
  useEffect(() => {
    if (external !== lastSent.current) {
      setText(external);
      setLocalError(null);
      invalid.current?.delete(path);
      lastSent.current = external;
    }
  // eslint-disable-next-line react-hooks/exhaustive-deps -- only a value that changed outside this field re-seeds it
  }, [external]);

  // eslint-disable-next-line react-hooks/exhaustive-deps -- `invalid` is the form's one set for the field's whole life
  useEffect(() => () => void invalid.current?.delete(path), [path]);

  const change = (next: string) => {
    setText(next);
    const parsed = parse(next);
    setLocalError(parsed.error);
    if (parsed.error) {
      invalid.current?.add(path);
      return;
    }
    invalid.current?.delete(path);
    // Remember what we sent so the echo does not overwrite the user's text.
    lastSent.current = json ? JSON.stringify(parsed.value, null, 2) : formatBack(parsed.value);
    onValue(parsed.value);
  };

  const shared = {
    ...rest,
    error: localError ?? error,
    value: text,
    autosize: true,
    minRows: 2,
    maxRows: 12,
  };
  return json ? (
    <JsonInput {...shared} onChange={change} styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }} />
  ) : (
    <Textarea {...shared} onChange={(e) => change(e.currentTarget.value)} />
  );
}

function formatBack(value: unknown): string {
  if (Array.isArray(value)) return value.join('\n');
  return mapToLines(value);
}
