// Field-aware scoring: the contract between the indexer, which writes each
// field's words with a within-document frequency (wdf) already normalised by
// the field's own length, and the searcher, which scores them with BM25 and
// no length normalisation of its own (b = 0). That is BM25F in what Xapian
// 1.4 offers: one weighting scheme per search, built-in classes only (a
// remote shard's xapian-tcpsrv knows no other). docs/DESIGN.md, "Ranking".
#pragma once

#include <cstddef>
#include <string_view>

namespace talksearch::scoring {

/// wdf of one metadata word in a field of weight 1 (a description of average length).
inline constexpr unsigned kMetadataUnit = 20;
/// How many metadata units a word of each field counts.
inline constexpr unsigned kTitleWeight = 3;
inline constexpr unsigned kSpeakerWeight = 3;
inline constexpr unsigned kTagWeight = 2;          ///< also a YouTube chapter's title
inline constexpr unsigned kDescriptionWeight = 1;  ///< summary and description

/// wdf of one spoken word in a transcript of average length.
inline constexpr unsigned kSpokenUnit = 10;

/// BM25's k1, in wdf units: a title word alone reaches 60 / (60 + 40) = 0.6 of
/// the most a field can give; one spoken mention 0.2, ten 0.71.
inline constexpr double kK1 = 40.0;

/// Length normalisation (BM25's b) of a transcript, and its average length in
/// words (pycon-captions: 33 KB of cue text, about 6,000 words a talk).
inline constexpr double kSpokenB = 0.5;
inline constexpr double kSpokenAverageWords = 6000.0;
/// Summary and description are not normalised by their length: a
/// description that names the topic ten times is about it (with b = 0.5,
/// Graham Dumpleton's decorators talk fell from 3rd to 8th).

/// What the spoken field's score is multiplied by, beside the metadata's
/// (the searcher's OP_SCALE_WEIGHT). A word's spoken evidence has a higher
/// idf than its metadata evidence while few talks have transcripts, and a
/// mention in an hour of speech says less than a title: swept on
/// tests/relevance (docs/DESIGN.md, "Ranking").
inline constexpr double kSpokenWeight = 0.2;

/// The wdf each spoken word of a transcript of `words` words adds.
unsigned spoken_wdf(std::size_t words);

/// Words as the length normalisation counts them: runs of bytes between ASCII
/// white space (cheap; the normalisation needs no more precision).
std::size_t count_words(std::string_view text);

}  // namespace talksearch::scoring
