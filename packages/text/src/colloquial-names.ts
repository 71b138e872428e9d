// Names people write for catalog services that the catalog's aliases leave out: mostly Japanese
// transliterations (Japanese posts write "チームズ" far more often than "Teams"), and a few spellings
// of the spoken name in Spanish. The catalog is the operator's list of services and aliases; these
// are language knowledge, like the outage words, so they live with the text pipeline. Each is
// unambiguous: a name that is also an ordinary word or a person's name ("ズーム" is a camera's zoom,
// "クロード" is Monet too) is left out.
// Normalized form (NFKC, lower case). A slug the catalog does not have is ignored.

export const COLLOQUIAL_NAMES: Readonly<Record<string, readonly string[]>> = {
  "microsoft-teams": ["チームズ", "マイクロソフトチームズ"],
  facebook: ["フェイスブック"],
  "google-drive": ["グーグルドライブ", "googleドライブ", "gドライブ"],
  bluesky: ["ブルスカ", "ブルースカイ"],
  steam: ["スチーム"],
  threads: ["スレッズ"],
  starlink: ["スターリンク"],
  tiktok: ["ティクトク"],
  gmail: ["ジーメール"],
  icloud: ["アイクラウド"],
  dropbox: ["ドロップボックス"],
  slack: ["スラック"],
  github: ["ギットハブ"],
  telegram: ["テレグラム"],
  reddit: ["レディット"],
  hulu: ["フールー"],
  "xbox-live": ["エックスボックス"],
  outlook: ["アウトルック"],
  figma: ["フィグマ"],
  deepseek: ["ディープシーク"],
  uber: ["ウーバー"],
  whatsapp: ["wasap", "guasap"],
};
