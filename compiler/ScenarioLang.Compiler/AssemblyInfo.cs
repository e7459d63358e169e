// The ANTLR-generated parser marks its types [CLSCompliant(false)]; say so for the assembly too.
[assembly: System.CLSCompliant(false)]
