//! Characters that must not hide in caller input, identities and identifiers: controls, and
//! the invisible or direction-changing ones that make two strings look alike, read from the
//! Unicode data `icu_properties` carries (the data `url` already uses for host names).

use icu_properties::props::{BidiControl, DefaultIgnorableCodePoint, GeneralCategory};
use icu_properties::{CodePointMapData, CodePointSetData};

/// Whether `c` shows nothing, or changes how the text around it is shown: the Unicode
/// default-ignorable code points (zero-width space and joiners, soft hyphen, byte order mark,
/// variation selectors, tag characters, Hangul fillers, ...), the other format characters
/// (category `Cf`: the bidirectional controls, Arabic number signs, ...) and the braille
/// blank (U+2800), which draws nothing either.
#[must_use]
pub fn is_invisible(c: char) -> bool {
    c == '\u{2800}'
        || CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c)
        || CodePointMapData::<GeneralCategory>::new().get(c) == GeneralCategory::Format
}

/// Whether `c` changes the direction of the text around it: the bidirectional marks,
/// embeddings, overrides and isolates (Unicode's `Bidi_Control`).
#[must_use]
pub fn is_bidi_control(c: char) -> bool {
    CodePointSetData::new::<BidiControl>().contains(c)
}

/// Whether `c` is a control character or [invisible](is_invisible).
#[must_use]
pub fn is_hidden(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_control();
    }
    c.is_control() || is_invisible(c)
}

#[cfg(test)]
mod tests {
    use super::{is_bidi_control, is_hidden, is_invisible};

    #[test]
    fn the_usual_suspects_are_invisible() {
        for c in [
            '\u{AD}',
            '\u{34F}',
            '\u{600}',
            '\u{61C}',
            '\u{890}',
            '\u{115F}',
            '\u{180E}',
            '\u{200B}',
            '\u{200C}',
            '\u{200D}',
            '\u{200E}',
            '\u{200F}',
            '\u{202A}',
            '\u{202E}',
            '\u{2060}',
            '\u{2066}',
            '\u{2069}',
            '\u{2800}',
            '\u{3164}',
            '\u{FE0F}',
            '\u{FEFF}',
            '\u{FFA0}',
            '\u{FFFB}',
            '\u{13430}',
            '\u{1BCA0}',
            '\u{1D173}',
            '\u{E0001}',
            '\u{E0041}',
            '\u{E0FFF}',
        ] {
            assert!(is_invisible(c), "{:04X}", u32::from(c));
        }
        for c in [
            'a',
            'é',
            'ß',
            'ж',
            '中',
            '-',
            '.',
            '@',
            ' ',
            '🙂',
            '\u{13460}',
            '\u{1F1E6}',
        ] {
            assert!(!is_invisible(c), "{c}");
        }
    }

    #[test]
    fn bidi_controls_are_the_marks_embeddings_overrides_and_isolates() {
        let controls: Vec<u32> = (0..=0x10FFFF_u32)
            .filter_map(char::from_u32)
            .filter(|&c| is_bidi_control(c))
            .map(u32::from)
            .collect();
        let expected: Vec<u32> = [0x061C, 0x200E, 0x200F]
            .into_iter()
            .chain(0x202A..=0x202E)
            .chain(0x2066..=0x2069)
            .collect();
        assert_eq!(controls, expected);
        assert!(
            controls
                .iter()
                .filter_map(|&c| char::from_u32(c))
                .all(is_invisible)
        );
    }

    #[test]
    fn the_invisible_set_is_the_one_of_the_locked_unicode_data() {
        // The data of icu_properties 2.4. A release with a newer Unicode version may change
        // the count: check what it adds before updating it.
        let count = (0..=0x10FFFF_u32)
            .filter_map(char::from_u32)
            .filter(|&c| is_invisible(c))
            .count();
        assert_eq!(count, 4_207);
    }

    #[test]
    fn controls_and_invisibles_are_hidden() {
        assert!(is_hidden('\n') && is_hidden('\u{7F}') && is_hidden('\u{85}'));
        assert!(is_hidden('\u{200B}'));
        assert!(!is_hidden('x') && !is_hidden(' ') && !is_hidden('é'));
    }
}
