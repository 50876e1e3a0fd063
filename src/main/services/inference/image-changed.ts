/**
 * The image's bytes do not hash to the sha256 the library pinned at intake: the draft or grounding is
 * refused, so pixels that changed on disk are never attributed to the index entry of the earlier file.
 */
export class DraftImageChangedError extends Error {}
