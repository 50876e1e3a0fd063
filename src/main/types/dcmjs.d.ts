// dcmjs ships no typings; this declares the small part Lightbox uses.
declare module 'dcmjs' {
  const dcmjs: {
    data: {
      DicomMetaDictionary: {
        dictionary: Record<string, { name: string; vr: string; vm?: string } | undefined>;
      };
    };
  };
  export default dcmjs;
}
