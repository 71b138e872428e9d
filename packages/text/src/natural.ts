// The parts of natural this package uses, imported from their own modules: the package's index also
// loads its storage back ends (pg, redis, mongoose) and dotenv, which prints to stdout on import.
export { JaroWinklerDistance } from "natural/lib/natural/distance/index.js";
export {
  PorterStemmer,
  PorterStemmerDe,
  PorterStemmerEs,
  PorterStemmerFr,
  PorterStemmerPt,
} from "natural/lib/natural/stemmers/index.js";
