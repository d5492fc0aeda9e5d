//! Fuzz tests of the sealed-blob decoders, bounded so that they run with the suite: any
//! bytes given to `open` or `unwrap` are refused, never a panic, and a sealed blob opens
//! only whole, with its own key and context.

use proptest::prelude::*;
use pulih_crypto::{DataKey, KeyId, Keyring, MasterKey, WrappedKey};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_bytes_given_as_a_sealed_blob_are_refused(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let key = DataKey::generate();
        prop_assert!(key.open(&bytes, "client:x:identity").is_err());
        let ring = Keyring::new(MasterKey::generate(), Vec::new());
        let wrapped = WrappedKey { key_id: ring.current_id(), bytes: bytes.clone() };
        prop_assert!(ring.unwrap(&wrapped, "client:x").is_err());
        let unknown = WrappedKey { key_id: KeyId::new("k-unknown"), bytes };
        prop_assert!(ring.unwrap(&unknown, "client:x").is_err());
    }

    #[test]
    fn a_sealed_blob_opens_only_whole_with_its_key_and_context(
        plaintext in prop::collection::vec(any::<u8>(), 0..100),
        flip in any::<prop::sample::Index>(),
        bit in 0u8..8,
        cut in any::<prop::sample::Index>(),
    ) {
        let key = DataKey::generate();
        let sealed = key.seal(&plaintext, "client:a:identity");
        prop_assert_eq!(key.open(&sealed, "client:a:identity").ok(), Some(plaintext.clone()));
        prop_assert!(key.open(&sealed, "client:b:identity").is_err());
        prop_assert!(DataKey::generate().open(&sealed, "client:a:identity").is_err());
        let mut flipped = sealed.clone();
        flipped[flip.index(sealed.len())] ^= 1 << bit;
        prop_assert!(key.open(&flipped, "client:a:identity").is_err());
        let short = &sealed[..cut.index(sealed.len())];
        prop_assert!(key.open(short, "client:a:identity").is_err());
    }
}
