-- Publicly readable images (avatar, course_cover, product_image) are served without their
-- metadata (EXIF, GPS, XMP, IPTC; SPEC §12 Privacy). The images worker re-encodes the original
-- and sets metadata_stripped. Rows stored before this stay false: their public URL serves the
-- large variant (always metadata-free) instead of the original.
alter table files add column metadata_stripped boolean not null default false;
