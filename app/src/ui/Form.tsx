/**
 * The pieces of the dashboard's forms: a form that never reloads the page (its button is an `Action`), a
 * labelled text field, and a labelled choice among options.
 */
import type { ReactNode } from "react";

export function Form({ children }: { children: ReactNode }) {
  return (
    <form className="form" onSubmit={(event) => event.preventDefault()}>
      {children}
    </form>
  );
}

export interface TextFieldProps {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  placeholder?: string;
  /** "decimal" for amounts, "numeric" for whole numbers: the phone's keyboard follows. */
  inputMode?: "decimal" | "numeric";
  /** Drops spaces around what is typed (addresses, codes, numbers). */
  trim?: boolean;
  inline?: boolean;
  testId?: string;
}

export function TextField({ label, value, onChange, placeholder, inputMode, trim, inline, testId }: TextFieldProps) {
  return (
    <label className={inline ? "inline" : undefined}>
      {label}
      <input value={value} onChange={(event) => onChange(trim ? event.target.value.trim() : event.target.value)} placeholder={placeholder} inputMode={inputMode} data-testid={testId} />
    </label>
  );
}

export function SelectField({ label, value, options, onChange, testId }: { label: ReactNode; value: string; options: readonly string[]; onChange: (value: string) => void; testId?: string }) {
  return (
    <label>
      {label}
      <select value={value} onChange={(event) => onChange(event.target.value)} data-testid={testId}>
        {options.map((option) => (
          <option key={option}>{option}</option>
        ))}
      </select>
    </label>
  );
}
