"use client";
/* A compact emoji picker (the most used emoji by category), WhatsApp-style panel above the composer. */
import { useEffect, useRef, useState } from "react";

const CATS: { name: string; icon: string; list: string }[] = [
  {
    name: "Smileys & people",
    icon: "😀",
    list: "😀😃😄😁😆😅😂🤣🥲☺️😊😇🙂🙃😉😌😍🥰😘😗😙😚😋😛😝😜🤪🤨🧐🤓😎🥸🤩🥳😏😒😞😔😟😕🙁☹️😣😖😫😩🥺😢😭😤😠😡🤬🤯😳🥵🥶😱😨😰😥😓🤗🤔🫣🤭🫢🫡🤫🫠🤥😶😐😑😬🙄😯😦😧😮😲🥱😴🤤😪😵🤐🥴🤢🤮🤧😷🤒🤕🤑🤠😈👿👹👺🤡💩👻💀☠️👽👾🤖🎃😺😸😹😻😼😽🙀😿😾👋🤚🖐️✋🖖👌🤌🤏✌️🤞🫰🤟🤘🤙👈👉👆🖕👇☝️🫵👍👎✊👊🤛🤜👏🙌🫶👐🤲🤝🙏💪",
  },
  { name: "Animals & nature", icon: "🐻", list: "🐶🐱🐭🐹🐰🦊🐻🐼🐨🐯🦁🐮🐷🐸🐵🐔🐧🐦🐤🦆🦅🦉🦇🐺🐗🐴🦄🐝🪱🐛🦋🐌🐞🐜🌵🎄🌲🌳🌴🌱🌿☘️🍀🍁🍂🍃🌷🌹🥀🌺🌸🌼🌻🌞🌝🌛🌜🌚🌕🌙🌎⭐🌟✨⚡🔥🌈☀️⛅☁️🌧️⛈️❄️☃️💧🌊" },
  { name: "Food & drink", icon: "🍔", list: "🍏🍎🍐🍊🍋🍌🍉🍇🍓🫐🍈🍒🍑🥭🍍🥥🥝🍅🍆🥑🥦🥬🥒🌶️🌽🥕🥔🍠🥐🥯🍞🥖🧀🥚🍳🥞🧇🥓🥩🍗🍖🌭🍔🍟🍕🥪🌮🌯🥗🍝🍜🍲🍛🍣🍱🥟🍤🍙🍚🍘🍥🍦🍧🍨🍩🍪🎂🍰🧁🍫🍬🍭☕🍵🧃🥤🍺🍻🥂🍷🥃🍸🍹" },
  { name: "Activities", icon: "⚽", list: "⚽🏀🏈⚾🥎🎾🏐🏉🥏🎱🏓🏸🏒🥅⛳🏹🎣🥊🥋⛸️🎿🏂🏋️🤸⛹️🤺🏊🚴🏆🥇🥈🥉🏅🎖️🎗️🎫🎟️🎪🎭🎨🎬🎤🎧🎼🎹🥁🎷🎺🎸🎻🎲♟️🎯🎳🎮🎰🧩" },
  { name: "Objects", icon: "💡", list: "⌚📱💻⌨️🖥️🖨️🖱️💾💿📷📹🎥📞☎️📺📻⏰⌛⏳📡🔋🔌💡🔦🕯️💸💵💴💶💷💰💳💎⚖️🔧🔨⚒️🛠️⛏️🔩⚙️🔫💣🔪🗡️⚔️🛡️🔮💈🔭🔬💊💉🩹🧬🧪🌡️🧹🧺🧻🚽🛁🔑🗝️🚪🛋️🛏️🧸🎁🎈🎀🎊🎉✉️📩📦📝📁📅📌📎✂️🔒🔓" },
  { name: "Symbols", icon: "❤️", list: "❤️🧡💛💚💙💜🖤🤍🤎💔❣️💕💞💓💗💖💘💝💟☮️✝️☯️🕉️☸️✡️🔯☦️🛐⛎♈♉♊♋♌♍♎♏♐♑♒♓🆔⚛️✅☑️✔️❌❎➕➖➗➰➿〽️✳️✴️❇️‼️⁉️❓❔❕❗💯🔅🔆⚠️🚸🔱⚜️🔰♻️💤🆗🆙🆒🆕🆓🔟🔢#️⃣*️⃣0️⃣1️⃣2️⃣3️⃣" },
];

function split(s: string): string[] {
  const seg = new Intl.Segmenter(undefined, { granularity: "grapheme" });
  return Array.from(seg.segment(s), (x) => x.segment);
}

export function EmojiPicker({ onPick, onClose }: { onPick: (e: string) => void; onClose: () => void }) {
  const [cat, setCat] = useState(0);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    function onKey(e: globalThis.KeyboardEvent) {
      if (e.key === "Escape") onClose();
    }
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [onClose]);
  const c = CATS[cat]!;
  return (
    <div ref={ref} className="emoji-panel" role="dialog" aria-label="Emoji picker">
      <div className="emoji-tabs" role="tablist" aria-label="Emoji categories">
        {CATS.map((x, i) => (
          <button
            key={x.name}
            type="button"
            role="tab"
            aria-selected={i === cat}
            aria-label={x.name}
            title={x.name}
            className="emoji-tab"
            onClick={() => setCat(i)}
          >
            {x.icon}
          </button>
        ))}
      </div>
      <p className="emoji-cat">{c.name}</p>
      <div className="emoji-grid" role="group" aria-label={c.name}>
        {split(c.list).map((e, i) => (
          <button key={`${e}${i}`} type="button" className="emoji" aria-label={e} onClick={() => onPick(e)}>
            {e}
          </button>
        ))}
      </div>
    </div>
  );
}
