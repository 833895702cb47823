/* WhatsApp's pill-shaped search field. type="text" (not "search") so its role is textbox. */
import { SearchIcon } from "./icons";

interface Props {
  label: string;
  value: string;
  onChange: (v: string) => void;
}

export function SearchBox({ label, value, onChange }: Props) {
  return (
    <div className="search" role="search">
      <SearchIcon size={20} className="search-icon" />
      <input
        type="text"
        className="search-input"
        aria-label={label}
        placeholder={label}
        value={value}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}
